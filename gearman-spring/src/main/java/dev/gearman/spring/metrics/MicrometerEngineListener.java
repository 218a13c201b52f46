package dev.gearman.spring.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.engine.EndReason;
import dev.gearman.server.engine.EngineListener;
import dev.gearman.server.engine.Priority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Counts the job server's jobs and times them, per function: {@code gearman.server.jobs.submitted},
 * {@code .completed}, {@code .failed}, {@code .exceptions} and {@code .dead} counters, the
 * {@code gearman.server.jobs.queue.wait} and {@code gearman.server.jobs.run} timers, and for retries the
 * {@code gearman.server.retries.scheduled} counter and the {@code gearman.server.retries.delay} timer (the backoff
 * each failed attempt waits). The timers publish a fixed set of histogram buckets (1 ms to 5 min)
 * rather than Micrometer's percentile histogram, to keep the series per function small.
 * <p>
 * Called on the engine thread only, which is why the meter cache is a plain map; function tags are bounded by a
 * {@link FunctionTags}.
 */
public class MicrometerEngineListener implements EngineListener {

	static final Duration[] BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(25),
			Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5),
			Duration.ofSeconds(15), Duration.ofSeconds(60), Duration.ofMinutes(5) };

	/** Backoffs run from seconds to the policy's cap, an hour by default. */
	static final Duration[] RETRY_BUCKETS = { Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15),
			Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1),
			Duration.ofHours(6) };

	private final MeterRegistry registry;

	private final FunctionTags tags;

	/** Engine-thread only. */
	private final Map<String, FunctionMeters> meters = new HashMap<>();

	/**
	 * Creates the listener.
	 * @param registry where the meters go
	 * @param tags the bound on function tag values
	 */
	public MicrometerEngineListener(MeterRegistry registry, FunctionTags tags) {
		this.registry = registry;
		this.tags = tags;
	}

	@Override
	public void jobSubmitted(String function, Priority priority, boolean background) {
		meters(function).submitted.increment();
	}

	@Override
	public void jobStarted(String function, long queueWaitNanos) {
		meters(function).queueWait.record(queueWaitNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void jobFinished(String function, JobOutcome outcome, long runNanos) {
		FunctionMeters m = meters(function);
		switch (outcome) {
			case COMPLETED -> m.completed.increment();
			case FAILED -> m.failed.increment();
			case EXCEPTION -> m.exceptions.increment();
		}
		if (runNanos > 0) {
			m.run.record(runNanos, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void retryScheduled(String function, long delayMillis) {
		FunctionMeters m = meters(function);
		m.retries.increment();
		m.retryDelay.record(delayMillis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void jobEnded(String function, EndReason reason) {
		if (reason == EndReason.DEAD) {
			meters(function).dead.increment();
		}
	}

	private FunctionMeters meters(String function) {
		String tag = this.tags.tag(function);
		FunctionMeters m = this.meters.get(tag);
		if (m == null) {
			m = new FunctionMeters(this.registry, tag);
			this.meters.put(tag, m);
		}
		return m;
	}

	private static final class FunctionMeters {

		final Counter submitted;

		final Counter completed;

		final Counter failed;

		final Counter exceptions;

		final Counter dead;

		final Counter retries;

		final Timer retryDelay;

		final Timer queueWait;

		final Timer run;

		FunctionMeters(MeterRegistry registry, String function) {
			this.submitted = counter(registry, "gearman.server.jobs.submitted", function,
					"Jobs accepted by the job server (coalesced submissions not counted)");
			this.completed = counter(registry, "gearman.server.jobs.completed", function,
					"Jobs whose worker sent WORK_COMPLETE");
			this.failed = counter(registry, "gearman.server.jobs.failed", function,
					"Jobs whose worker sent WORK_FAIL, or that used up their retry limit");
			this.exceptions = counter(registry, "gearman.server.jobs.exceptions", function,
					"Jobs whose worker sent WORK_EXCEPTION");
			this.dead = counter(registry, "gearman.server.jobs.dead", function,
					"Background jobs that used up their attempts and moved to the dead letters");
			this.retries = counter(registry, "gearman.server.retries.scheduled", function,
					"Failed attempts the retry policy runs again after a backoff");
			this.retryDelay = timer(registry, "gearman.server.retries.delay", function,
					"Backoff a failed attempt waits before the job runs again", RETRY_BUCKETS);
			this.queueWait = timer(registry, "gearman.server.jobs.queue.wait", function,
					"Time jobs waited in their queue before a worker took them");
			this.run = timer(registry, "gearman.server.jobs.run", function,
					"Time from a worker taking a job to its WORK_COMPLETE, WORK_FAIL or WORK_EXCEPTION");
		}

		private static Counter counter(MeterRegistry registry, String name, String function, String description) {
			return Counter.builder(name).tag("function", function).description(description).register(registry);
		}

		private static Timer timer(MeterRegistry registry, String name, String function, String description) {
			return timer(registry, name, function, description, BUCKETS);
		}

		private static Timer timer(MeterRegistry registry, String name, String function, String description,
				Duration[] buckets) {
			return Timer.builder(name)
				.tag("function", function)
				.description(description)
				.serviceLevelObjectives(buckets)
				.register(registry);
		}

	}

}
