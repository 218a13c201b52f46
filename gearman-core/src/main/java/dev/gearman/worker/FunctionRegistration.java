package dev.gearman.worker;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A function a worker offers.
 *
 * @param name the function name
 * @param handler the code
 * @param concurrency most jobs of this function run at once; 0 = only the worker's overall limit. A function with
 * a limit of its own takes one more connection per job server, over which the worker asks for its jobs only while
 * it is below the limit
 * @param timeout run-time limit the server enforces (CAN_DO_TIMEOUT, in milliseconds): an overrunning job is given
 * to another worker; {@code null} for none. Note that gearmand 1.1.x keeps one such timer per connection and cancels
 * it on PRE_SLEEP, so with gearmand the limit only holds while the worker does not ask for more work, e.g. for a
 * function with {@code concurrency} 1 (whose connection does not grab while its job runs)
 */
public record FunctionRegistration(String name, JobHandler handler, int concurrency,
		@Nullable Duration timeout) {

	/**
	 * Validates the registration.
	 */
	public FunctionRegistration {
		if (name.isEmpty() || name.indexOf('\0') >= 0) {
			throw new IllegalArgumentException("name: '" + name + "' (expected: non-empty, no NUL)");
		}
		if (concurrency < 0) {
			throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 0)");
		}
	}

	/**
	 * A registration with no per-function limit and no timeout.
	 * @param name the function name
	 * @param handler the code
	 * @return the registration
	 */
	public static FunctionRegistration of(String name, JobHandler handler) {
		return new FunctionRegistration(name, handler, 0, null);
	}

}
