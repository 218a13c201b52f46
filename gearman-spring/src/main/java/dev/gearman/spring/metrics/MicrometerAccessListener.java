package dev.gearman.spring.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gearman.server.engine.EngineListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the requests the job server's access policy refused: {@code gearman.server.access.denied}, tagged
 * {@code action} ({@code submit}, {@code work}, {@code status}, {@code admin-read}, {@code admin-write}). The
 * identity is not a tag: certificate subjects are unbounded, and who was refused is in the log.
 * <p>
 * The counters exist from the start, at zero, so that an alert on their rate has a series to watch before the first
 * refusal. Called on the engine thread.
 */
public class MicrometerAccessListener implements EngineListener {

	/** The refused actions the engine reports. */
	static final List<String> ACTIONS = List.of("submit", "work", "status", "admin-read", "admin-write");

	private final MeterRegistry registry;

	/** Engine-thread only after construction. */
	private final Map<String, Counter> denied = new HashMap<>();

	/**
	 * Creates the listener and its counters.
	 * @param registry where the counters go
	 */
	public MicrometerAccessListener(MeterRegistry registry) {
		this.registry = registry;
		ACTIONS.forEach(this::counter);
	}

	@Override
	public void accessDenied(String identity, String action) {
		counter(action).increment();
	}

	private Counter counter(String action) {
		return this.denied.computeIfAbsent(action, (name) -> Counter.builder("gearman.server.access.denied")
			.description("Requests refused by the access policy")
			.tag("action", name)
			.register(this.registry));
	}

}
