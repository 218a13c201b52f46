package dev.gearman.server.store;

import org.jspecify.annotations.Nullable;

import java.nio.charset.StandardCharsets;

/**
 * A dead letter as the dead letters keep it, under an id of its own: what an operator lists, looks at, requeues or
 * purges.
 *
 * @param id the letter's id, unique within its store, growing with each letter
 * @param function the function name
 * @param unique the job's unique id as stored (generated for a job submitted without one)
 * @param priority 0 = high, 1 = normal, 2 = low
 * @param data the payload; empty in listings (see {@link #dataSize})
 * @param dataSize the payload's length in bytes
 * @param attempts the attempts made
 * @param firstAttemptMillis when the first attempt started, epoch milliseconds (0 if none started)
 * @param lastAttemptMillis when the last attempt ended, epoch milliseconds: when the job died
 * @param lastError the WORK_EXCEPTION text, or {@code failed}, {@code worker lost}, {@code timed out}
 * @param worker the client id of the worker of the last attempt, {@code -} if it set none
 */
public record StoredDeadLetter(long id, String function, String unique, int priority, byte[] data, int dataSize,
		int attempts, long firstAttemptMillis, long lastAttemptMillis, String lastError, String worker) {

	private static final byte[] NO_DATA = new byte[0];

	/**
	 * A letter as it was buried, under its id.
	 * @param id the id
	 * @param letter the letter
	 * @return the kept letter, with its payload
	 */
	public static StoredDeadLetter of(long id, DeadLetter letter) {
		return new StoredDeadLetter(id, letter.function(), letter.unique(), letter.priority(), letter.data(),
				letter.data().length, letter.attempts(), letter.firstAttemptMillis(), letter.lastAttemptMillis(),
				letter.lastError(), letter.worker());
	}

	/**
	 * The same letter without its payload, as listings show it.
	 * @return the letter, {@link #dataSize} kept
	 */
	public StoredDeadLetter withoutData() {
		return (this.data.length == 0) ? this : new StoredDeadLetter(this.id, this.function, this.unique,
				this.priority, NO_DATA, this.dataSize, this.attempts, this.firstAttemptMillis, this.lastAttemptMillis,
				this.lastError, this.worker);
	}

	/**
	 * The job the letter becomes when it is requeued: a fresh attempt count, the same unique id, payload and
	 * priority.
	 * @param sequence the new job's sequence
	 * @return the job to store
	 */
	public StoredJob toJob(long sequence) {
		return toJob(sequence, null);
	}

	/**
	 * The letter as a job again, with a fresh attempt count, under the handle its new job has.
	 * @param sequence the job's new sequence
	 * @param handle the new job's handle, kept with the row on a store several servers share
	 * @return the job
	 */
	public StoredJob toJob(long sequence, @Nullable String handle) {
		return new StoredJob(this.function, this.unique, this.priority, this.data, 0, sequence, 0, null, handle);
	}

	/**
	 * The letter as it was buried, for a store that keeps it again.
	 * @return the letter; its sequence is 0 and it has no queue row
	 */
	public DeadLetter toLetter() {
		return new DeadLetter(this.function, this.unique, 0, this.priority, this.data, this.attempts,
				this.firstAttemptMillis, this.lastAttemptMillis, this.lastError, this.worker, false);
	}

	@Override
	public String toString() {
		return "dead letter " + this.id + " (" + this.function + ", " + this.unique + ", " + this.attempts
				+ " attempts, " + this.lastError + ")";
	}

	/**
	 * The payload as UTF-8 text, for people.
	 * @return the text
	 */
	public String dataAsText() {
		return new String(this.data, StandardCharsets.UTF_8);
	}

}
