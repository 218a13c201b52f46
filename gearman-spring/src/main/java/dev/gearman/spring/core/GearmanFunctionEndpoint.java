package dev.gearman.spring.core;

import java.time.Duration;

import dev.gearman.worker.FunctionRegistration;
import org.jspecify.annotations.Nullable;

/**
 * One {@code @GearmanFunction} method, resolved: its id, function name, limits and the handler that invokes it.
 *
 * @param id the endpoint id
 * @param function the Gearman function name
 * @param concurrency per-function limit, 0 for none
 * @param timeout server-enforced run-time limit, {@code null} for none
 * @param handler the invoker
 */
public record GearmanFunctionEndpoint(String id, String function, int concurrency, @Nullable Duration timeout,
		MethodJobHandler handler) {

	/**
	 * The registration the core worker takes.
	 * @return the registration
	 */
	public FunctionRegistration toRegistration() {
		return new FunctionRegistration(this.function, this.handler, this.concurrency, this.timeout);
	}

}
