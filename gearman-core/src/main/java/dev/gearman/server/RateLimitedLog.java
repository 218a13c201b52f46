package dev.gearman.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Warnings about misbehaving peers that a flood of them cannot turn into a flood of log lines: at most one WARN per
 * interval, which says how many more events there were since the last one; the events in between go to DEBUG.
 * Thread-safe.
 */
final class RateLimitedLog {

	private final Logger logger;

	private final long intervalNanos;

	private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

	private final AtomicLong suppressed = new AtomicLong();

	RateLimitedLog(Logger logger, long interval, TimeUnit unit) {
		this.logger = logger;
		this.intervalNanos = unit.toNanos(interval);
	}

	/**
	 * Logs an event at WARN, or at DEBUG if a warning was logged within the interval.
	 * @param format the SLF4J message format
	 * @param args its arguments
	 */
	void warn(String format, Object... args) {
		long now = System.nanoTime();
		long next = this.nextWarning.get();
		if (now - next >= 0 && this.nextWarning.compareAndSet(next, now + this.intervalNanos)) {
			long others = this.suppressed.getAndSet(0);
			this.logger.warn((others > 0) ? format + " (and " + others + " more since the last warning)" : format, args);
		}
		else {
			this.suppressed.incrementAndGet();
			this.logger.debug(format, args);
		}
	}

}
