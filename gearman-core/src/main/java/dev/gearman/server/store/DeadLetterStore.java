package dev.gearman.server.store;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The dead letters a store keeps: background jobs that used up their attempts, with what an operator needs to
 * decide on them. Letters arrive through {@link JobStore#bury}, which moves a job's queue row here in one
 * transaction; {@link #restore} moves one back.
 * <p>
 * Every method but {@link #restore} may block on a database: call them off the engine thread (the server's
 * {@code DeadLetterService} does). Letters are ordered by id, which grows with each letter.
 */
public interface DeadLetterStore {

	/**
	 * Lists letters without their payloads, oldest first.
	 * @param function only this function's letters; {@code null} for all
	 * @param afterId only letters with a larger id (0 for the first page)
	 * @param limit the most letters returned
	 * @return the letters, ids ascending
	 */
	List<StoredDeadLetter> list(@Nullable String function, long afterId, int limit);

	/**
	 * One letter with its payload.
	 * @param id the id
	 * @return the letter, or {@code null} if there is none with that id
	 */
	@Nullable StoredDeadLetter get(long id);

	/**
	 * Moves a letter back into the queue as a job, in one transaction: afterwards the job is either queued (stored,
	 * if the store is durable) or still a dead letter, never both and never neither. Asynchronous: called on the
	 * engine thread, must not block; the callback runs exactly once, on any thread, after the outcome is known.
	 * @param letter the letter
	 * @param job the job it becomes
	 * @param callback receives {@code null} once the job is stored and the letter gone, or the failure (the letter
	 * is then unchanged, e.g. already requeued or purged by someone else)
	 */
	void restore(StoredDeadLetter letter, StoredJob job, Consumer<@Nullable Throwable> callback);

	/**
	 * Deletes one letter.
	 * @param id the id
	 * @return whether there was such a letter
	 */
	boolean delete(long id);

	/**
	 * Deletes letters.
	 * @param function only this function's letters; {@code null} for all
	 * @param diedBeforeMillis only letters whose job died before this time (epoch milliseconds);
	 * {@link Long#MAX_VALUE} for any
	 * @return how many were deleted
	 */
	int purge(@Nullable String function, long diedBeforeMillis);

	/**
	 * Deletes what the retention no longer keeps: letters whose job died before a time, and the oldest beyond a
	 * count.
	 * @param maxCount the most letters kept
	 * @param diedBeforeMillis letters whose job died before this time go
	 * @return how many were deleted
	 */
	int prune(int maxCount, long diedBeforeMillis);

	/**
	 * How many letters each function has.
	 * @return counts by function name, functions without letters left out
	 */
	Map<String, Long> countByFunction();

}
