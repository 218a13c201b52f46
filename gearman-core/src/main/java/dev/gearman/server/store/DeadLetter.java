package dev.gearman.server.store;

/**
 * A background job that used up its attempts, as the dead letters keep it.
 *
 * @param function the function name
 * @param unique the job's unique id as stored (generated for a job submitted without one)
 * @param sequence the job's sequence, which identifies its row in the queue
 * @param priority 0 = high, 1 = normal, 2 = low
 * @param data the payload
 * @param attempts the attempts made
 * @param firstAttemptMillis when the first attempt started, epoch milliseconds
 * @param lastAttemptMillis when the last attempt ended, epoch milliseconds
 * @param lastError the WORK_EXCEPTION text, or {@code failed}, {@code worker lost}, {@code timed out}
 * @param worker the client id of the worker of the last attempt, {@code -} if it set none
 * @param stored whether the job has a row in the queue, which moves to the dead letters in the same transaction
 */
public record DeadLetter(String function, String unique, long sequence, int priority, byte[] data, int attempts,
		long firstAttemptMillis, long lastAttemptMillis, String lastError, String worker, boolean stored) {

	/**
	 * The same letter, with the reason shortened for storage.
	 * @param maxLength the longest reason kept
	 * @return the letter
	 */
	public DeadLetter withErrorAtMost(int maxLength) {
		return (this.lastError.length() <= maxLength) ? this
				: new DeadLetter(this.function, this.unique, this.sequence, this.priority, this.data, this.attempts,
						this.firstAttemptMillis, this.lastAttemptMillis, this.lastError.substring(0, maxLength),
						this.worker, this.stored);
	}

}
