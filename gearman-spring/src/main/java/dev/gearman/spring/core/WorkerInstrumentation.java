package dev.gearman.spring.core;

import dev.gearman.spring.observation.DefaultGearmanWorkerObservationConvention;
import dev.gearman.spring.observation.GearmanObservationDocumentation;
import dev.gearman.spring.observation.GearmanWorkerObservationContext;
import dev.gearman.spring.observation.GearmanWorkerObservationConvention;
import dev.gearman.worker.FunctionRegistration;
import dev.gearman.worker.JobHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link GearmanWorkerRegistry} measures the jobs its handlers run: with an {@link ObservationRegistry}, as
 * observations in whose scope the handler runs (with tracing, a span that continues the caller's trace when the
 * job's unique id carries it); otherwise with the {@link JobRecorder}'s timers.
 */
final class WorkerInstrumentation {

	private volatile JobRecorder recorder = JobRecorder.NONE;

	private volatile @Nullable ObservationRegistry observationRegistry;

	private volatile @Nullable GearmanWorkerObservationConvention convention;

	void setRecorder(JobRecorder recorder) {
		this.recorder = recorder;
	}

	void setObservationRegistry(@Nullable ObservationRegistry registry) {
		this.observationRegistry = registry;
	}

	void setObservationConvention(@Nullable GearmanWorkerObservationConvention convention) {
		this.convention = convention;
	}

	/**
	 * The registration with its handler measured.
	 * @param registration the registration
	 * @return a registration whose handler records each job
	 */
	FunctionRegistration measured(FunctionRegistration registration) {
		JobHandler handler = registration.handler();
		JobHandler measured = (job) -> {
			ObservationRegistry registry = this.observationRegistry;
			if (registry == null || registry.isNoop()) {
				JobRecorder.Recording recording = this.recorder.start(JobRecorder.Kind.EXECUTION, registration.name());
				try {
					byte[] result = handler.execute(job);
					recording.stop("success");
					return result;
				}
				catch (Exception | Error ex) {
					recording.stop(JobRecorder.executionOutcome(ex));
					throw ex;
				}
			}
			GearmanWorkerObservationContext context = new GearmanWorkerObservationContext(job);
			Observation observation = GearmanObservationDocumentation.WORKER_EXECUTION
				.observation(this.convention, DefaultGearmanWorkerObservationConvention.INSTANCE, () -> context,
						registry)
				.start();
			try (Observation.Scope scope = observation.openScope()) {
				byte[] result = handler.execute(job);
				context.setOutcome("success");
				return result;
			}
			catch (Exception | Error ex) {
				context.setOutcome(JobRecorder.executionOutcome(ex));
				observation.error(ex);
				throw ex;
			}
			finally {
				observation.stop();
			}
		};
		return new FunctionRegistration(registration.name(), measured, registration.concurrency(),
				registration.timeout());
	}

}
