package dev.gearman.connection;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with jitter, for reconnecting to a job server: each failure doubles the delay up to
 * the cap, and every delay is spread by up to ±20% so that many clients do not reconnect in lockstep.
 */
public final class Backoff {

	private final long initialMillis;

	private final long maxMillis;

	private long nextMillis;

	/**
	 * Creates a backoff.
	 * @param initial the first delay
	 * @param max the largest delay
	 */
	public Backoff(Duration initial, Duration max) {
		if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
			throw new IllegalArgumentException("backoff: " + initial + ".." + max + " (expected: 0 < initial <= max)");
		}
		this.initialMillis = initial.toMillis();
		this.maxMillis = max.toMillis();
		this.nextMillis = this.initialMillis;
	}

	/**
	 * The delay before the next attempt; doubles the one after it.
	 * @return the delay in milliseconds
	 */
	public synchronized long nextDelayMillis() {
		long base = this.nextMillis;
		this.nextMillis = Math.min(this.maxMillis, this.nextMillis * 2);
		long jitter = (long) (base * 0.2 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
		return Math.max(1, base + jitter);
	}

	/** Starts over after a success. */
	public synchronized void reset() {
		this.nextMillis = this.initialMillis;
	}

}
