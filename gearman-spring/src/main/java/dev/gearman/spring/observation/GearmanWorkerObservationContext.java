package dev.gearman.spring.observation;

import dev.gearman.worker.JobContext;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * The context of a worker's execution of one job. A tracing propagator reads the trace context from the job's
 * unique id, when the caller sent it there (see {@link UniqueIdTraceContext}), so that the worker's span continues the
 * caller's trace.
 */
public class GearmanWorkerObservationContext extends ReceiverContext<JobContext> {

	private final JobContext job;

	private String outcome = "unknown";

	/**
	 * Creates a context.
	 * @param job the job
	 */
	public GearmanWorkerObservationContext(JobContext job) {
		super((carrier, key) -> UniqueIdTraceContext.field(carrier.unique(), key));
		this.job = job;
		setCarrier(job);
		setRemoteServiceName("gearman");
	}

	/** @return the job */
	public JobContext getJob() {
		return this.job;
	}

	/** @return how it ended: {@code success}, {@code fail}, {@code conversion} or {@code exception} */
	public String getOutcome() {
		return this.outcome;
	}

	/** @param outcome how it ended */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}
