package dev.gearman.dashboard;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineQueries;
import dev.gearman.server.engine.JobEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last hour of the job server, for the overview's charts: jobs completed and failed per second, and how many
 * were queued, running and waiting. A sample is the engine's counters, which it reads in constant time whatever the
 * number of functions and jobs, so sampling goes on while nobody watches (the chart has no gap when a browser opens)
 * at a cost the engine does not notice: one small task per sample interval. Thread-safe.
 */
public final class ThroughputHistory implements AutoCloseable {

	/** How far back the charts go. */
	public static final Duration SPAN = Duration.ofHours(1);

	private static final Logger logger = LoggerFactory.getLogger(ThroughputHistory.class);

	private final GearmanServer server;

	private final int capacity;

	private final ArrayDeque<Sample> samples;

	private final ScheduledExecutorService executor;

	/**
	 * Starts sampling a server.
	 * @param server the server
	 * @param interval the time between samples; the history keeps an hour of them
	 */
	public ThroughputHistory(GearmanServer server, Duration interval) {
		this.server = server;
		long millis = Math.max(100, interval.toMillis());
		this.capacity = (int) Math.max(2, SPAN.toMillis() / millis + 1);
		this.samples = new ArrayDeque<>(this.capacity);
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "gearman-dashboard-history");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.scheduleWithFixedDelay(this::sample, 0, millis, TimeUnit.MILLISECONDS);
	}

	/** Takes one sample now, unless the server does not run. */
	void sample() {
		JobEngine engine = this.server.engine();
		if (engine == null || !this.server.isRunning()) {
			return;
		}
		try {
			EngineQueries.Counters counters = engine.queries().counters().get(5, TimeUnit.SECONDS);
			add(new Sample(System.currentTimeMillis(), counters));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.debug("No sample of the job server's counters: {}", ex.toString());
		}
	}

	synchronized void add(Sample sample) {
		if (this.samples.size() == this.capacity) {
			this.samples.pollFirst();
		}
		this.samples.addLast(sample);
	}

	/**
	 * The samples of the last hour, oldest first.
	 * @return a copy
	 */
	public synchronized List<Sample> samples() {
		return new ArrayList<>(this.samples);
	}

	/**
	 * The points of the charts: one per pair of consecutive samples, with the rates between them.
	 * @return the points, oldest first
	 */
	public List<Point> points() {
		List<Sample> all = samples();
		List<Point> points = new ArrayList<>(Math.max(0, all.size() - 1));
		for (int i = 1; i < all.size(); i++) {
			Sample before = all.get(i - 1);
			Sample after = all.get(i);
			double seconds = Math.max(0.001, (after.atMillis() - before.atMillis()) / 1000.0);
			EngineQueries.Counters a = before.counters();
			EngineQueries.Counters b = after.counters();
			// a restarted server counts from zero again: no negative rate
			points.add(new Point(after.atMillis(), Math.max(0, b.completed() - a.completed()) / seconds,
					Math.max(0, b.failed() - a.failed()) / seconds, b.queued(), b.running(), b.waiting()));
		}
		return points;
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	/**
	 * The engine's counters at one moment.
	 *
	 * @param atMillis when, epoch milliseconds
	 * @param counters the counters
	 */
	public record Sample(long atMillis, EngineQueries.Counters counters) {
	}

	/**
	 * One point of the charts.
	 *
	 * @param atMillis when, epoch milliseconds
	 * @param completedPerSecond jobs completed per second since the sample before
	 * @param failedPerSecond jobs that ended failed or dead per second since the sample before
	 * @param queued jobs ready to be handed out
	 * @param running jobs held by workers
	 * @param waiting failed jobs waiting for their next attempt
	 */
	public record Point(long atMillis, double completedPerSecond, double failedPerSecond, int queued, int running,
			int waiting) {
	}

}
