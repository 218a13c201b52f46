package dev.gearman.spring.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.spring.core.JobRecorder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records client calls as {@code gearman.client.calls} and worker executions as {@code gearman.worker.executions}
 * (timers tagged by {@code function} and {@code result}), with {@code gearman.client.in.flight} and
 * {@code gearman.worker.in.flight} gauges per function.
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
	public Recording start(String kind, String function) {
		AtomicInteger running = this.inFlight.computeIfAbsent(kind + '\0' + function, (key) -> {
			AtomicInteger value = new AtomicInteger();
			Gauge.builder("gearman." + kind + ".in.flight", value, AtomicInteger::get)
				.tag("function", function)
				.description("Gearman jobs in flight")
				.register(this.registry);
			return value;
		});
		running.incrementAndGet();
		Timer.Sample sample = Timer.start(this.registry);
		String name = "client".equals(kind) ? "gearman.client.calls" : "gearman.worker.executions";
		return (outcome) -> {
			running.decrementAndGet();
			sample.stop(Timer.builder(name)
				.tag("function", function)
				.tag("result", outcome)
				.description("client".equals(kind) ? "Gearman calls made by this application"
						: "Gearman jobs executed by this application")
				.register(this.registry));
		};
	}

}
