package dev.gearman.server.engine;

/**
 * Job priority. The ordinal is the value gearmand's persistent queues store (0 = high).
 */
public enum Priority {

	/** Runs before everything else. */
	HIGH,

	/** The default. */
	NORMAL,

	/** Runs when nothing else is queued. */
	LOW;

	private static final Priority[] VALUES = values();

	/**
	 * Looks up a priority by its stored value.
	 * @param ordinal 0, 1 or 2
	 * @return the priority
	 */
	public static Priority of(int ordinal) {
		return VALUES[ordinal];
	}

}
