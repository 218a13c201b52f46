package dev.gearman.server.store;

/**
 * A background job as a store keeps it: the fields gearmand's queue plugins keep, plus a sequence number that
 * gives the replay order.
 *
 * @param function the function name (raw bytes as an ISO-8859-1 string)
 * @param unique the unique id, never empty for a stored job
 * @param priority 0 = high, 1 = normal, 2 = low
 * @param data the payload
 * @param whenToRun seconds since the epoch when the job becomes runnable, 0 for at once
 * @param sequence the submission sequence; replay runs jobs in this order within a priority
 */
public record StoredJob(String function, String unique, int priority, byte[] data, long whenToRun, long sequence) {
}
