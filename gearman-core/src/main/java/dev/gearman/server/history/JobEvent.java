package dev.gearman.server.history;

import org.jspecify.annotations.Nullable;

/**
 * One thing that happened to a background job.
 *
 * @param handle the job handle the event happened under (a job replayed after a restart gets a new one)
 * @param function the function name
 * @param unique the unique id as stored (generated for a job submitted without one)
 * @param type what happened
 * @param attempt the attempts made when it happened (for {@link Type#ATTEMPT_FAILED}, the number of the one that
 * failed)
 * @param atMillis when, epoch milliseconds
 * @param detail why an attempt failed or the job ended (the WORK_EXCEPTION text, or {@code failed},
 * {@code worker lost}, {@code timed out}); {@code null} where nothing failed
 * @param worker the client id of the worker involved, {@code null} where none was
 * @param resultSize for {@link Type#COMPLETED}, the result's length in bytes; otherwise 0
 * @param result for {@link Type#COMPLETED}, the result if it is no longer than the configured maximum
 */
public record JobEvent(String handle, String function, String unique, Type type, int attempt, long atMillis,
		@Nullable String detail, @Nullable String worker, long resultSize, byte @Nullable [] result) {

	/**
	 * What happened.
	 */
	public enum Type {

		/** The job was accepted (stored, with a durable store). */
		SUBMITTED,

		/** The job was read back from the store after a restart, under a new handle. */
		RESTORED,

		/** An operator moved the job back from the dead letters, with a fresh attempt count. */
		REQUEUED,

		/** An attempt failed and the job will run again. */
		ATTEMPT_FAILED,

		/** A worker sent WORK_COMPLETE. */
		COMPLETED,

		/** An attempt failed and the job ended without being kept. */
		FAILED,

		/** An attempt failed and the job moved to the dead letters. */
		DEAD,

		/** An operator cancelled the job. */
		CANCELLED

	}

}
