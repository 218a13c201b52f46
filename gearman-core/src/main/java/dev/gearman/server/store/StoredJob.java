package dev.gearman.server.store;

import org.jspecify.annotations.Nullable;

/**
 * A background job as a store keeps it: the fields gearmand's queue plugins keep, plus a sequence number that
 * gives the replay order, and for a job waiting to be retried, its attempts and last error. A store shared by several
 * servers also keeps the job's handle, which stays the job's handle when another server takes it over.
 *
 * @param function the function name (raw bytes as an ISO-8859-1 string)
 * @param unique the unique id, never empty for a stored job
 * @param priority 0 = high, 1 = normal, 2 = low
 * @param data the payload
 * @param whenToRun seconds since the epoch when the job becomes runnable, 0 for at once; for a job waiting to be
 * retried, when its next attempt is due
 * @param sequence the submission sequence; replay runs jobs in this order within a priority
 * @param attempts attempts that failed so far, 0 for a job that has not failed
 * @param lastError why the last attempt failed, {@code null} if none did
 * @param handle the job handle its clients know, {@code null} if the store did not keep it
 */
public record StoredJob(String function, String unique, int priority, byte[] data, long whenToRun, long sequence,
		int attempts, @Nullable String lastError, @Nullable String handle) {

	/**
	 * A job as a store that keeps no handle reads it.
	 * @param function the function name
	 * @param unique the unique id
	 * @param priority 0 = high, 1 = normal, 2 = low
	 * @param data the payload
	 * @param whenToRun seconds since the epoch when the job becomes runnable, 0 for at once
	 * @param sequence the submission sequence
	 * @param attempts attempts that failed so far
	 * @param lastError why the last attempt failed, {@code null} if none did
	 */
	public StoredJob(String function, String unique, int priority, byte[] data, long whenToRun, long sequence,
			int attempts, @Nullable String lastError) {
		this(function, unique, priority, data, whenToRun, sequence, attempts, lastError, null);
	}

	/**
	 * A job that has not failed yet.
	 * @param function the function name
	 * @param unique the unique id
	 * @param priority 0 = high, 1 = normal, 2 = low
	 * @param data the payload
	 * @param whenToRun seconds since the epoch when the job becomes runnable, 0 for at once
	 * @param sequence the submission sequence
	 */
	public StoredJob(String function, String unique, int priority, byte[] data, long whenToRun, long sequence) {
		this(function, unique, priority, data, whenToRun, sequence, 0, null, null);
	}

}
