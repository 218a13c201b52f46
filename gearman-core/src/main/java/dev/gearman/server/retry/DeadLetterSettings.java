package dev.gearman.server.retry;

import java.time.Duration;

/**
 * How long dead letters are kept. Defaults as Sidekiq's dead set: 10,000 letters, six months. The server prunes
 * them once a minute, so a store may hold a minute's worth of letters beyond the count; letters kept in memory
 * (a store that keeps none of its own) are bounded at once, by count and by payload bytes.
 */
public final class DeadLetterSettings {

	private int maxCount = 10_000;

	private Duration maxAge = Duration.ofDays(180);

	private long maxMemoryBytes = 64L * 1024 * 1024;

	/**
	 * The most letters kept; the oldest go first.
	 * @return the count
	 */
	public int getMaxCount() {
		return this.maxCount;
	}

	public DeadLetterSettings setMaxCount(int maxCount) {
		if (maxCount < 0) {
			throw new IllegalArgumentException("maxCount: " + maxCount + " (expected: >= 0)");
		}
		this.maxCount = maxCount;
		return this;
	}

	/**
	 * How long a letter is kept after its job died.
	 * @return the age
	 */
	public Duration getMaxAge() {
		return this.maxAge;
	}

	public DeadLetterSettings setMaxAge(Duration maxAge) {
		if (maxAge.isNegative() || maxAge.isZero()) {
			throw new IllegalArgumentException("maxAge: " + maxAge + " (expected: > 0)");
		}
		this.maxAge = maxAge;
		return this;
	}

	/**
	 * The most payload bytes of letters kept in memory, when the store keeps no dead letters of its own.
	 * @return the bytes
	 */
	public long getMaxMemoryBytes() {
		return this.maxMemoryBytes;
	}

	public DeadLetterSettings setMaxMemoryBytes(long maxMemoryBytes) {
		if (maxMemoryBytes < 0) {
			throw new IllegalArgumentException("maxMemoryBytes: " + maxMemoryBytes + " (expected: >= 0)");
		}
		this.maxMemoryBytes = maxMemoryBytes;
		return this;
	}

}
