package dev.gearman.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import dev.gearman.protocol.GearmanConstants;
import org.jspecify.annotations.Nullable;

/**
 * What to submit: function, payload and the options libgearman offers (priority, unique id, run-at time,
 * reducer, listener, timeout). Immutable; the {@code with…} methods return copies.
 *
 * @param function the function name
 * @param payload the workload
 * @param unique the unique id, {@code null} for none (background jobs then get a generated one)
 * @param priority the priority
 * @param runAt when a background job becomes runnable (SUBMIT_JOB_EPOCH), {@code null} for now
 * @param reducer the reducer function of a map/reduce job (SUBMIT_REDUCE_JOB), {@code null} for none
 * @param listener receives data, warnings and progress of a foreground job
 * @param timeout fails the call after this long, {@code null} for the client's default
 */
public record JobRequest(String function, byte[] payload, @Nullable String unique, JobPriority priority,
		@Nullable Instant runAt, @Nullable String reducer, @Nullable JobListener listener,
		@Nullable Duration timeout) {

	/** Longest function name libgearman accepts. */
	public static final int MAX_FUNCTION_SIZE = 512;

	/**
	 * Validates the request.
	 */
	public JobRequest {
		if (function.isEmpty() || function.getBytes(StandardCharsets.UTF_8).length > MAX_FUNCTION_SIZE) {
			throw new IllegalArgumentException("function: '" + function + "' (expected: 1.." + MAX_FUNCTION_SIZE
					+ " bytes)");
		}
		if (function.indexOf('\0') >= 0 || (unique != null && unique.indexOf('\0') >= 0)) {
			throw new IllegalArgumentException("function and unique must not contain NUL");
		}
		if (unique != null && unique.getBytes(StandardCharsets.UTF_8).length > GearmanConstants.MAX_UNIQUE_SIZE) {
			throw new IllegalArgumentException("unique: " + unique.length() + " bytes (expected: <= "
					+ GearmanConstants.MAX_UNIQUE_SIZE + ")");
		}
	}

	/**
	 * A normal-priority request.
	 * @param function the function
	 * @param payload the workload
	 * @return the request
	 */
	public static JobRequest of(String function, byte[] payload) {
		return new JobRequest(function, payload, null, JobPriority.NORMAL, null, null, null, null);
	}

	/**
	 * A normal-priority request with a UTF-8 text workload.
	 * @param function the function
	 * @param payload the workload
	 * @return the request
	 */
	public static JobRequest of(String function, String payload) {
		return of(function, payload.getBytes(StandardCharsets.UTF_8));
	}

	public JobRequest withUnique(@Nullable String unique) {
		return new JobRequest(this.function, this.payload, unique, this.priority, this.runAt, this.reducer,
				this.listener, this.timeout);
	}

	public JobRequest withPriority(JobPriority priority) {
		return new JobRequest(this.function, this.payload, this.unique, priority, this.runAt, this.reducer,
				this.listener, this.timeout);
	}

	public JobRequest withRunAt(@Nullable Instant runAt) {
		return new JobRequest(this.function, this.payload, this.unique, this.priority, runAt, this.reducer,
				this.listener, this.timeout);
	}

	public JobRequest withReducer(@Nullable String reducer) {
		return new JobRequest(this.function, this.payload, this.unique, this.priority, this.runAt, reducer,
				this.listener, this.timeout);
	}

	public JobRequest withListener(@Nullable JobListener listener) {
		return new JobRequest(this.function, this.payload, this.unique, this.priority, this.runAt, this.reducer,
				listener, this.timeout);
	}

	public JobRequest withTimeout(@Nullable Duration timeout) {
		return new JobRequest(this.function, this.payload, this.unique, this.priority, this.runAt, this.reducer,
				this.listener, timeout);
	}

}
