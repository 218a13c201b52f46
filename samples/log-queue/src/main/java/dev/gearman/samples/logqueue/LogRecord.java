package dev.gearman.samples.logqueue;

import java.time.Instant;

/**
 * One log record, the JSON workload of a {@code log_write} job.
 *
 * @param id unique per record; also the job's unique id, so queueing the same record twice queues one job
 * @param time when it was logged
 * @param level the level, e.g. {@code INFO}
 * @param logger the logger's name
 * @param message the message
 */
public record LogRecord(String id, Instant time, String level, String logger, String message) {

}
