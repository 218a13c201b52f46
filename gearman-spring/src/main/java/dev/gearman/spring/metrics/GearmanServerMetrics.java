package dev.gearman.spring.metrics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineSnapshot;
import dev.gearman.server.engine.JobEngine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gauges of an in-process job server: {@code gearman.server.connections} by {@code role} (client or worker),
 * {@code gearman.server.jobs} and {@code gearman.server.functions}, and per function
 * {@code gearman.server.jobs.queued} (by {@code priority}), {@code gearman.server.jobs.running} and
 * {@code gearman.server.workers}.
 * <p>
 * The engine's state belongs to its thread, so a background thread of this class asks the engine for a snapshot
 * once per refresh interval (waiting at most a second) and gauges read the last one: a scrape never touches the
 * engine and the engine never takes a lock. Function tags are bounded by a {@link FunctionTags}; the functions
 * beyond the limit are summed under {@value FunctionTags#OTHER}.
 */
public class GearmanServerMetrics implements MeterBinder, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GearmanServerMetrics.class);

	private final GearmanServer server;

	private final FunctionTags tags;

	private final Duration refresh;

	private volatile EngineSnapshot snapshot = EngineSnapshot.EMPTY;

	/** Refresh-thread only, apart from the gauges reading the volatile values. */
	private final Map<String, FunctionGauges> functions = new HashMap<>();

	private @Nullable MeterRegistry registry;

	private @Nullable MetricsRefresher refresher;

	/**
	 * Creates the binder.
	 * @param server the server
	 * @param tags the bound on function tag values
	 * @param refresh how often to take a snapshot of the engine
	 */
	public GearmanServerMetrics(GearmanServer server, FunctionTags tags, Duration refresh) {
		this.server = server;
		this.tags = tags;
		this.refresh = refresh;
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registry = registry;
		Gauge.builder("gearman.server.connections", this, (m) -> m.snapshot.clientConnections())
			.tag("role", "client")
			.description("Open connections that registered no function (clients, admin tools)")
			.register(registry);
		Gauge.builder("gearman.server.connections", this, (m) -> m.snapshot.workerConnections())
			.tag("role", "worker")
			.description("Open connections that registered at least one function")
			.register(registry);
		Gauge.builder("gearman.server.jobs", this, (m) -> m.snapshot.jobs())
			.description("Jobs the job server holds, in any state")
			.register(registry);
		Gauge.builder("gearman.server.functions", this, (m) -> m.snapshot.functions().size())
			.description("Functions the job server knows")
			.register(registry);
		refresh();
		if (this.refresher == null) {
			this.refresher = new MetricsRefresher("gearman-metrics", this.refresh, this::refresh);
		}
	}

	/**
	 * Takes a new snapshot now and updates the gauges; the refresh thread calls it on its schedule.
	 */
	public synchronized void refresh() {
		JobEngine engine = this.server.engine();
		if (engine == null || !this.server.isRunning()) {
			return;
		}
		EngineSnapshot current;
		try {
			current = engine.snapshot().get(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (Exception ex) {
			// a busy or stopping engine: keep the last values rather than report zeros
			logger.debug("No engine snapshot for metrics: {}", ex.toString());
			return;
		}
		this.snapshot = current;
		Map<String, long[]> sums = new HashMap<>();
		for (EngineSnapshot.FunctionStatus f : current.functions()) {
			long[] sum = sums.computeIfAbsent(this.tags.tag(f.name()), (tag) -> new long[5]);
			sum[0] += f.queuedHigh();
			sum[1] += f.queuedNormal();
			sum[2] += f.queuedLow();
			sum[3] += f.running();
			sum[4] += f.workers();
		}
		for (Map.Entry<String, long[]> entry : sums.entrySet()) {
			gauges(entry.getKey()).set(entry.getValue());
		}
		for (Map.Entry<String, FunctionGauges> entry : this.functions.entrySet()) {
			if (!sums.containsKey(entry.getKey())) {
				entry.getValue().set(new long[5]);
			}
		}
	}

	private FunctionGauges gauges(String tag) {
		FunctionGauges gauges = this.functions.get(tag);
		if (gauges == null) {
			gauges = new FunctionGauges();
			if (this.registry != null) {
				gauges.register(this.registry, tag);
			}
			this.functions.put(tag, gauges);
		}
		return gauges;
	}

	@Override
	public synchronized void close() {
		if (this.refresher != null) {
			this.refresher.close();
			this.refresher = null;
		}
	}

	private static final class FunctionGauges {

		private volatile long queuedHigh;

		private volatile long queuedNormal;

		private volatile long queuedLow;

		private volatile long running;

		private volatile long workers;

		void set(long[] values) {
			this.queuedHigh = values[0];
			this.queuedNormal = values[1];
			this.queuedLow = values[2];
			this.running = values[3];
			this.workers = values[4];
		}

		void register(MeterRegistry registry, String function) {
			queued(registry, function, "high", (g) -> g.queuedHigh);
			queued(registry, function, "normal", (g) -> g.queuedNormal);
			queued(registry, function, "low", (g) -> g.queuedLow);
			Gauge.builder("gearman.server.jobs.running", this, (g) -> g.running)
				.tag("function", function)
				.description("Jobs assigned to workers")
				.register(registry);
			Gauge.builder("gearman.server.workers", this, (g) -> g.workers)
				.tag("function", function)
				.description("Workers that registered the function")
				.register(registry);
		}

		private void queued(MeterRegistry registry, String function, String priority,
				ToDoubleFunction<FunctionGauges> value) {
			Gauge.builder("gearman.server.jobs.queued", this, value)
				.tag("function", function)
				.tag("priority", priority)
				.description("Jobs waiting for a worker (epoch jobs count as normal)")
				.register(registry);
		}

	}

}
