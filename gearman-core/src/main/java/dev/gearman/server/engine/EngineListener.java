package dev.gearman.server.engine;

/**
 * Receives the engine's job events, for metrics. Every method is called on the engine thread, so an
 * implementation must return quickly and never block: increment a counter, record a timer, nothing more.
 * Function names arrive as the peers sent them, so an implementation that turns them into metric tags must bound
 * their number.
 */
public interface EngineListener {

	/** The listener that ignores every event. */
	EngineListener NONE = new EngineListener() {
	};

	/**
	 * A new job was accepted: JOB_CREATED is on its way (for a durable background job, after the store committed
	 * it). Jobs that coalesce onto an existing one are not counted again.
	 * @param function the function name
	 * @param priority the priority
	 * @param background whether it is a background job
	 */
	default void jobSubmitted(String function, Priority priority, boolean background) {
	}

	/**
	 * A worker was given a job.
	 * @param function the function name
	 * @param queueWaitNanos how long the job waited in its queue, from the moment it became runnable
	 */
	default void jobStarted(String function, long queueWaitNanos) {
	}

	/**
	 * A job ended on its worker, or was failed because it used up its attempts.
	 * @param function the function name
	 * @param outcome how it ended
	 * @param runNanos how long it ran on its last worker, 0 if it did not run
	 */
	default void jobFinished(String function, JobOutcome outcome, long runNanos) {
	}

	/**
	 * A job moved from one state to another. Called for every move, so it must be cheap.
	 * @param function the function name
	 * @param from the state it left
	 * @param to the state it entered
	 */
	default void jobMoved(String function, JobState from, JobState to) {
	}

	/**
	 * A job ended and left the engine's tables.
	 * @param function the function name
	 * @param reason why it ended
	 */
	default void jobEnded(String function, EndReason reason) {
	}

	/**
	 * A failed attempt of a job will be retried after a backoff.
	 * @param function the function name
	 * @param delayMillis the backoff
	 */
	default void retryScheduled(String function, long delayMillis) {
	}

	/**
	 * A request was refused by the access policy.
	 * @param identity who asked
	 * @param action what was refused: {@code submit}, {@code work}, {@code status}, {@code admin-read} or
	 * {@code admin-write}
	 */
	default void accessDenied(String identity, String action) {
	}

	/**
	 * How a job ended on its worker, for the run-time metrics.
	 */
	enum JobOutcome {

		/** WORK_COMPLETE. */
		COMPLETED,

		/** WORK_FAIL, or the retry limit was reached. */
		FAILED,

		/** WORK_EXCEPTION. */
		EXCEPTION

	}

}
