package dev.gearman.spring.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.spring.core.JobRecorder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

/**
 * Records client calls as {@code gearman.client.calls}, background submissions as {@code gearman.client.submissions},
 * status queries as {@code gearman.client.status.queries} and worker executions as {@code gearman.worker.executions}
 * (timers tagged by {@code function}, or {@code by} for status queries, and {@code result}), with
 * {@code gearman.client.in.flight} and {@code gearman.worker.in.flight} gauges per function.
 */
public class MicrometerJobRecorder implements JobRecorder {

	private final MeterRegistry registry;

	private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	/**
	 * Creates a recorder.
	 * @param registry where meters go
	 */
	public MicrometerJobRecorder(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Recording start(Kind kind, String subject) {
		AtomicInteger running = inFlight(kind, subject);
		if (running != null) {
			running.incrementAndGet();
		}
		Timer.Sample sample = Timer.start(this.registry);
		return (outcome) -> {
			if (running != null) {
				running.decrementAndGet();
			}
			sample.stop(Timer.builder(kind.meterName())
				.tag(kind.subjectTag(), subject)
				.tag("result", outcome)
				.description(kind.description())
				.register(this.registry));
		};
	}

	private @Nullable AtomicInteger inFlight(Kind kind, String function) {
		String gauge = kind.inFlightGaugeName();
		if (gauge == null) {
			return null;
		}
		return this.inFlight.computeIfAbsent(gauge + '\0' + function, (key) -> {
			AtomicInteger value = new AtomicInteger();
			Gauge.builder(gauge, value, AtomicInteger::get)
				.tag("function", function)
				.description("Gearman jobs in flight")
				.register(this.registry);
			return value;
		});
	}

}
