package dev.gearman.server.store.jdbc;

/**
 * The SQL of the {@code gearman_queue} table, which the Flyway migrations under {@code db/gearman/{vendor}}
 * create. Plain SQL that H2, PostgreSQL and MySQL/MariaDB all accept.
 */
final class QueueTable {

	/** The table name, as in gearmand's queue plugins. */
	static final String NAME = "gearman_queue";

	/** Longest function name the table takes; the engine's own limit is the packet size. */
	static final int MAX_FUNCTION_LENGTH = 255;

	static final String INSERT = "INSERT INTO " + NAME
			+ " (unique_key, function_name, priority, data, when_to_run, job_sequence, created_at)"
			+ " VALUES (?, ?, ?, ?, ?, ?, ?)";

	/** Deletes whatever row holds a key: a stale row left by a crash, before a new job takes the key. */
	static final String DELETE = "DELETE FROM " + NAME + " WHERE function_name = ? AND unique_key = ?";

	/** Deletes one finished job's row; a newer job stored under the same key meanwhile has another sequence. */
	static final String DELETE_JOB = DELETE + " AND job_sequence = ?";

	static final String SELECT_ALL = "SELECT unique_key, function_name, priority, data, when_to_run, job_sequence"
			+ " FROM " + NAME + " ORDER BY job_sequence";

	/** The rows of a part of the queue, in order: those not loaded yet, up to the last stored at start. */
	static final String SELECT_RANGE = "SELECT unique_key, function_name, priority, data, when_to_run, job_sequence"
			+ " FROM " + NAME + " WHERE job_sequence > ? AND job_sequence <= ? ORDER BY job_sequence";

	static final String COUNT = "SELECT COUNT(*) FROM " + NAME;

	/** Rows, payload bytes and the last sequence: what the replay needs to know before it reads. */
	static final String SUMMARY = "SELECT COUNT(*), COALESCE(SUM(OCTET_LENGTH(data)), 0), COALESCE(MAX(job_sequence), 0)"
			+ " FROM " + NAME;

	private QueueTable() {
	}

}
