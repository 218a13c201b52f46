package dev.gearman.server.store;

/**
 * Receives a durable store's batch statistics, for metrics. A store that groups writes into transactions calls
 * it once per committed (or failed) batch, from its own threads; an implementation must be thread-safe and quick.
 * The in-memory store reports nothing.
 */
public interface JobStoreListener {

	/** The listener that ignores every event. */
	JobStoreListener NONE = new JobStoreListener() {
	};

	/**
	 * A batch was committed.
	 * @param operation what the batch did
	 * @param size the number of jobs in the batch
	 * @param commitNanos how long writing and committing the batch took
	 */
	default void batchCommitted(Operation operation, int size, long commitNanos) {
	}

	/**
	 * A batch failed and was rolled back.
	 * @param operation what the batch tried
	 * @param size the number of jobs in the batch
	 * @param failure why
	 */
	default void batchFailed(Operation operation, int size, Throwable failure) {
	}

	/**
	 * The kind of write a batch does.
	 */
	enum Operation {

		/** Background jobs stored. */
		INSERT,

		/** Finished jobs removed. */
		DELETE

	}

}
