package dev.gearman.server.history;

import java.time.Duration;

/**
 * Whether and how long the server keeps the history of background jobs. Off by default: each job then costs two
 * more rows (submitted, ended) and one per failed attempt.
 */
public final class HistorySettings {

	private boolean enabled;

	private Duration retention = Duration.ofDays(7);

	private int maxResultSize = 1024;

	private int maxMemoryEvents = 100_000;

	/**
	 * Whether events of background jobs are recorded.
	 * @return {@code true} if they are
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	public HistorySettings setEnabled(boolean enabled) {
		this.enabled = enabled;
		return this;
	}

	/**
	 * How long events are kept.
	 * @return the retention
	 */
	public Duration getRetention() {
		return this.retention;
	}

	public HistorySettings setRetention(Duration retention) {
		if (retention.isNegative() || retention.isZero()) {
			throw new IllegalArgumentException("retention: " + retention + " (expected: > 0)");
		}
		this.retention = retention;
		return this;
	}

	/**
	 * The longest result kept with a completed job's event; longer results are recorded by their size only, and 0
	 * keeps sizes only.
	 * @return the bytes
	 */
	public int getMaxResultSize() {
		return this.maxResultSize;
	}

	public HistorySettings setMaxResultSize(int maxResultSize) {
		if (maxResultSize < 0) {
			throw new IllegalArgumentException("maxResultSize: " + maxResultSize + " (expected: >= 0)");
		}
		this.maxResultSize = maxResultSize;
		return this;
	}

	/**
	 * The most events kept in memory, when the store keeps no history of its own.
	 * @return the count
	 */
	public int getMaxMemoryEvents() {
		return this.maxMemoryEvents;
	}

	public HistorySettings setMaxMemoryEvents(int maxMemoryEvents) {
		if (maxMemoryEvents < 0) {
			throw new IllegalArgumentException("maxMemoryEvents: " + maxMemoryEvents + " (expected: >= 0)");
		}
		this.maxMemoryEvents = maxMemoryEvents;
		return this;
	}

}
