package dev.gearman.server.engine;

import java.time.Duration;

/**
 * A clock that moves only when a test advances it. It starts at the real time, so epoch times computed from
 * {@link System#currentTimeMillis()} mean what they say.
 */
final class ManualClock implements EngineClock {

	private volatile long nanos = System.nanoTime();

	private volatile long millis = System.currentTimeMillis();

	@Override
	public long nanoTime() {
		return this.nanos;
	}

	@Override
	public long currentTimeMillis() {
		return this.millis;
	}

	synchronized void advance(Duration duration) {
		this.nanos += duration.toNanos();
		this.millis += duration.toMillis();
	}

}
