package dev.gearman.spring.metrics;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The thread of a meter binder whose gauges read values taken off the scrape path: it runs the binder's refresh
 * once per interval (at least every 10 ms), so that a scrape never waits for the engine or a database.
 */
final class MetricsRefresher implements AutoCloseable {

	private final ScheduledExecutorService executor;

	MetricsRefresher(String threadName, Duration interval, Runnable refresh) {
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, threadName);
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(10, interval.toMillis());
		this.executor.scheduleWithFixedDelay(refresh, millis, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}
