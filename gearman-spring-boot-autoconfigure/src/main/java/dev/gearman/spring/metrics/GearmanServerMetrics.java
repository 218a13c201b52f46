package dev.gearman.spring.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineSnapshot;
import dev.gearman.server.engine.EngineSnapshot.FunctionStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Gauges of an in-process job server: connections, jobs, and per function the queued jobs by priority, running
 * jobs and registered workers. Values come from an engine snapshot taken at most once per refresh interval, so a
 * scrape never waits on the engine for long.
 */
public class GearmanServerMetrics implements MeterBinder {

	private final GearmanServer server;

	private final long refreshNanos;

	private volatile @Nullable EngineSnapshot snapshot;

	private volatile long takenNanos;

	private @Nullable MultiGauge queued;

	private @Nullable MultiGauge running;

	private @Nullable MultiGauge workers;

	/**
	 * Creates the binder.
	 * @param server the server
	 * @param refresh how old a snapshot may be
	 */
	public GearmanServerMetrics(GearmanServer server, Duration refresh) {
		this.server = server;
		this.refreshNanos = refresh.toNanos();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("gearman.server.connections", this, (m) -> m.current().connections())
			.description("Open connections to the job server")
			.register(registry);
		Gauge.builder("gearman.server.jobs", this, (m) -> m.current().jobs())
			.description("Jobs the job server holds, queued or running")
			.register(registry);
		this.queued = MultiGauge.builder("gearman.server.jobs.queued")
			.description("Jobs waiting, by function and priority")
			.register(registry);
		this.running = MultiGauge.builder("gearman.server.jobs.running")
			.description("Jobs assigned to workers")
			.register(registry);
		this.workers = MultiGauge.builder("gearman.server.workers")
			.description("Workers registered per function")
			.register(registry);
		Gauge.builder("gearman.server.functions", this, (m) -> m.refreshFunctions())
			.description("Functions the job server knows")
			.register(registry);
		refreshFunctions();
	}

	/**
	 * Brings the per-function rows in line with the functions the server knows. Each row reads its value from the
	 * current snapshot, so values are fresh on every read; only the set of rows changes here.
	 */
	private double refreshFunctions() {
		EngineSnapshot current = current();
		List<MultiGauge.Row<?>> queuedRows = new ArrayList<>();
		List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
		List<MultiGauge.Row<?>> workerRows = new ArrayList<>();
		for (EngineSnapshot.FunctionStatus f : current.functions()) {
			String name = f.name();
			queuedRows.add(row(Tags.of("function", name, "priority", "high"), name, FunctionStatus::queuedHigh));
			queuedRows.add(row(Tags.of("function", name, "priority", "normal"), name, FunctionStatus::queuedNormal));
			queuedRows.add(row(Tags.of("function", name, "priority", "low"), name, FunctionStatus::queuedLow));
			runningRows.add(row(Tags.of("function", name), name, FunctionStatus::running));
			workerRows.add(row(Tags.of("function", name), name, FunctionStatus::workers));
		}
		if (this.queued != null && this.running != null && this.workers != null) {
			this.queued.register(queuedRows, true);
			this.running.register(runningRows, true);
			this.workers.register(workerRows, true);
		}
		return current.functions().size();
	}

	private MultiGauge.Row<?> row(Tags tags, String function, ToIntFunction<FunctionStatus> value) {
		return MultiGauge.Row.of(tags, this, (metrics) -> metrics.current()
			.functions()
			.stream()
			.filter((status) -> status.name().equals(function))
			.mapToInt(value)
			.findFirst()
			.orElse(0));
	}

	private EngineSnapshot current() {
		EngineSnapshot cached = this.snapshot;
		if (cached != null && System.nanoTime() - this.takenNanos < this.refreshNanos) {
			return cached;
		}
		if (this.server.engine() == null || !this.server.isRunning()) {
			return (cached != null) ? cached : new EngineSnapshot(0, 0, List.of(), 0);
		}
		try {
			cached = this.server.engine().snapshot().get(1, TimeUnit.SECONDS);
			this.snapshot = cached;
			this.takenNanos = System.nanoTime();
			return cached;
		}
		catch (Exception ex) {
			return (this.snapshot != null) ? this.snapshot : new EngineSnapshot(0, 0, List.of(), 0);
		}
	}

}
