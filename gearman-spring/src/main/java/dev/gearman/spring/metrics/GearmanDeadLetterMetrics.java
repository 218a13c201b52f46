package dev.gearman.spring.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.operations.ServerOperations;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gearman.server.dead.letters} gauge: dead letters held per function. The counts come from the dead
 * letters' store (a {@code COUNT ... GROUP BY} on a database), asked by a thread of this class once per refresh
 * interval; a scrape reads the last counts. Function tags are bounded by a {@link FunctionTags}.
 */
public class GearmanDeadLetterMetrics implements MeterBinder, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GearmanDeadLetterMetrics.class);

	private final GearmanServer server;

	private final FunctionTags tags;

	private final Duration refresh;

	/** Per function tag, the last count; refresh thread only, the gauges read the volatile values. */
	private final Map<String, Count> counts = new HashMap<>();

	private @Nullable MeterRegistry registry;

	private @Nullable MetricsRefresher refresher;

	/**
	 * Creates the binder.
	 * @param server the server
	 * @param tags the bound on function tag values
	 * @param refresh how often to count the dead letters
	 */
	public GearmanDeadLetterMetrics(GearmanServer server, FunctionTags tags, Duration refresh) {
		this.server = server;
		this.tags = tags;
		this.refresh = refresh;
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registry = registry;
		refresh();
		if (this.refresher == null) {
			this.refresher = new MetricsRefresher("gearman-dead-letter-metrics", this.refresh, this::refresh);
		}
	}

	/**
	 * Counts the dead letters now and updates the gauges; the refresh thread calls it on its schedule.
	 */
	public synchronized void refresh() {
		ServerOperations operations = this.server.operations();
		if (operations == null || !this.server.isRunning()) {
			return;
		}
		Map<String, Long> byFunction;
		try {
			byFunction = operations.deadLetters().counts().get(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (Exception ex) {
			// a busy store: keep the last counts rather than report zeros
			logger.debug("No dead letter counts for metrics: {}", ex.toString());
			return;
		}
		Map<String, Long> byTag = new HashMap<>();
		byFunction.forEach((function, count) -> byTag.merge(this.tags.tag(function), count, Long::sum));
		byTag.forEach((tag, count) -> count(tag).value = count);
		this.counts.forEach((tag, count) -> {
			if (!byTag.containsKey(tag)) {
				count.value = 0;
			}
		});
	}

	private Count count(String tag) {
		Count count = this.counts.get(tag);
		if (count == null) {
			count = new Count();
			if (this.registry != null) {
				Gauge.builder("gearman.server.dead.letters", count, (c) -> c.value)
					.tag("function", tag)
					.description("Dead letters held: background jobs that used up their attempts")
					.register(this.registry);
			}
			this.counts.put(tag, count);
		}
		return count;
	}

	@Override
	public synchronized void close() {
		if (this.refresher != null) {
			this.refresher.close();
			this.refresher = null;
		}
	}

	private static final class Count {

		volatile long value;

	}

}
