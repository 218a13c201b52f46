package dev.gearman.server.engine;

/**
 * Hands out the handles and sequence numbers of new jobs. A handle is this server's prefix and a counter; the
 * sequence orders jobs by arrival and, with the store, numbers their rows, so it always stays after every stored
 * job's. Part of {@link JobRegistry}; engine-thread only.
 */
final class JobNumbers {

	private final String handlePrefix;

	private long nextHandle = 1;

	private long nextSequence = 1;

	/** @param handlePrefix what every handle of this server starts with, before a colon */
	JobNumbers(String handlePrefix) {
		this.handlePrefix = handlePrefix + ":";
	}

	String nextHandle() {
		return this.handlePrefix + this.nextHandle++;
	}

	long nextSequence() {
		return this.nextSequence++;
	}

	/** Numbers the jobs created from now on after this stored one. */
	void after(long storedSequence) {
		this.nextSequence = Math.max(this.nextSequence, storedSequence + 1);
	}

}
