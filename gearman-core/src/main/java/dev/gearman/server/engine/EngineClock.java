package dev.gearman.server.engine;

/**
 * Where the engine reads the time: job timeouts, epoch due times, queue-wait and run-time figures. Production uses
 * {@link #SYSTEM}; tests inject a clock they advance by hand, so a timeout test moves time instead of sleeping.
 */
public interface EngineClock {

	/** The system clock. */
	EngineClock SYSTEM = new EngineClock() {

		@Override
		public long nanoTime() {
			return System.nanoTime();
		}

		@Override
		public long currentTimeMillis() {
			return System.currentTimeMillis();
		}

		@Override
		public String toString() {
			return "system clock";
		}

	};

	/**
	 * A monotonic time for measuring durations and arming timers, as {@link System#nanoTime()}.
	 * @return nanoseconds from an arbitrary origin
	 */
	long nanoTime();

	/**
	 * The wall-clock time epoch jobs are due by, as {@link System#currentTimeMillis()}.
	 * @return milliseconds since the epoch
	 */
	long currentTimeMillis();

}
