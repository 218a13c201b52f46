package dev.gearman.spring.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.observation.DefaultGearmanClientObservationConvention;
import dev.gearman.spring.observation.GearmanClientObservationContext;
import dev.gearman.spring.observation.GearmanClientObservationConvention;
import dev.gearman.spring.observation.GearmanObservationDocumentation;
import dev.gearman.spring.observation.UniqueIdTraceContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link GearmanTemplate} measures what it sends: with an {@link ObservationRegistry}, as observations (and,
 * with tracing, client spans whose context goes to the worker in the unique id); otherwise with the
 * {@link JobRecorder}'s timers. Never both, so nothing is counted twice.
 */
final class ClientInstrumentation {

	private volatile JobRecorder recorder = JobRecorder.NONE;

	private volatile @Nullable ObservationRegistry observationRegistry;

	private volatile @Nullable GearmanClientObservationConvention convention;

	private volatile boolean propagateTraceContext = true;

	void setRecorder(JobRecorder recorder) {
		this.recorder = recorder;
	}

	void setObservationRegistry(@Nullable ObservationRegistry registry) {
		this.observationRegistry = registry;
	}

	void setObservationConvention(@Nullable GearmanClientObservationConvention convention) {
		this.convention = convention;
	}

	void setPropagateTraceContext(boolean propagate) {
		this.propagateTraceContext = propagate;
	}

	/**
	 * Runs one operation, measured.
	 * @param kind what it is
	 * @param subject the function, or {@code handle}/{@code unique} for a status query
	 * @param operation the operation; it gets the unique id that carries the trace context, {@code null} for none
	 * @return the operation's future, whose completion ends the measurement
	 */
	<T> CompletableFuture<T> measure(JobRecorder.Kind kind, String subject,
			Function<@Nullable String, CompletableFuture<T>> operation) {
		ObservationRegistry registry = this.observationRegistry;
		if (registry == null || registry.isNoop()) {
			JobRecorder.Recording recording = this.recorder.start(kind, subject);
			return Futures.whenDone(start(operation, null, recording::stop),
					(value, failure) -> recording.stop(JobRecorder.outcome(failure)));
		}
		GearmanClientObservationContext context = new GearmanClientObservationContext(kind, subject);
		Observation observation = GearmanObservationDocumentation.of(kind)
			.observation(this.convention, DefaultGearmanClientObservationConvention.INSTANCE, () -> context, registry)
			.start();
		// the propagator has written the new client span's context into the carrier
		String traceUnique = this.propagateTraceContext ? UniqueIdTraceContext.toUnique(context.getCarrier()) : null;
		return Futures.whenDone(start(operation, traceUnique, (outcome) -> stop(observation, context, outcome, null)),
				(value, failure) -> {
					if (value instanceof JobHandle job) {
						context.setHandle(job.handle());
					}
					stop(observation, context, JobRecorder.outcome(failure), failure);
				});
	}

	/** Starts the operation; if it throws at once, ends the measurement and rethrows. */
	private static <T> CompletableFuture<T> start(Function<@Nullable String, CompletableFuture<T>> operation,
			@Nullable String traceUnique, Consumer<String> onThrow) {
		try {
			return operation.apply(traceUnique);
		}
		catch (RuntimeException ex) {
			onThrow.accept(JobRecorder.outcome(ex));
			throw ex;
		}
	}

	private static void stop(Observation observation, GearmanClientObservationContext context, String outcome,
			@Nullable Throwable failure) {
		context.setOutcome(outcome);
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause != null) {
			observation.error(cause);
		}
		observation.stop();
	}

}
