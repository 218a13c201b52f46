package dev.gearman.spring.core;

import dev.gearman.worker.JobHandler;

/**
 * Wraps the handler of every {@code @GearmanFunction} before its worker runs it: to set up a context around each
 * job (a logging MDC, a security context) or to watch the jobs (the test harness). Beans of this type are applied by
 * the auto-configured {@link GearmanWorkerRegistry} in their order, the first outermost; the job's observation, if
 * any, is already open when they run.
 */
@FunctionalInterface
public interface JobHandlerDecorator {

	/**
	 * Wraps a handler.
	 * @param function the function it serves
	 * @param handler the handler
	 * @return the handler to run instead, which calls {@code handler}
	 */
	JobHandler decorate(String function, JobHandler handler);

}
