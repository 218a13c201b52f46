package dev.gearman.server.store.jdbc;

/**
 * The SQL of the {@code gearman_queue} table, which {@link QueueSchema} creates and migrates (Flyway,
 * {@code db/gearman/{vendor}}). Plain SQL that H2, PostgreSQL and MySQL/MariaDB all accept.
 */
final class QueueTable {

	/** The table name, as in gearmand's queue plugins. */
	static final String NAME = "gearman_queue";

	/** Longest function name the table takes; the engine's own limit is the packet size. */
	static final int MAX_FUNCTION_LENGTH = 255;

	static final String INSERT = "INSERT INTO " + NAME
			+ " (unique_key, function_name, priority, data, when_to_run, job_sequence, created_at, owner, job_handle)"
			+ " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

	/** Deletes whatever row holds a key: a stale row left by a crash, before a new job takes the key. */
	static final String DELETE = "DELETE FROM " + NAME + " WHERE function_name = ? AND unique_key = ?";

	/** Deletes one finished job's row; a newer job stored under the same key meanwhile has another sequence. */
	static final String DELETE_JOB = DELETE + " AND job_sequence = ?";

	/** Deletes one finished job's row while it is the deleting server's: another server may have taken it over. */
	static final String DELETE_OWNED_JOB = DELETE_JOB + " AND owner = ?";

	/** The handle of the job stored under a key: on a shared database, a second submission of the key joins it. */
	static final String SELECT_HANDLE = "SELECT job_handle FROM " + NAME + " WHERE function_name = ? AND unique_key = ?";

	/** Records a failed attempt on a job's row: attempts, when the next one is due, why the last one failed. */
	static final String RETRY_LATER = "UPDATE " + NAME + " SET attempts = ?, when_to_run = ?, last_error = ?"
			+ " WHERE function_name = ? AND unique_key = ? AND job_sequence = ?";

	/** The same, while the row is the writing server's: another server may have taken the job over. */
	static final String RETRY_LATER_OWNED = RETRY_LATER + " AND owner = ?";

	/** Whether one job's row exists. */
	static final String EXISTS_JOB = "SELECT COUNT(*) FROM " + NAME
			+ " WHERE function_name = ? AND unique_key = ? AND job_sequence = ?";

	/** The longest error text the tables keep, in characters. */
	static final int MAX_ERROR_LENGTH = 4096;

	/** The longest worker id and job handle the tables keep, in characters. */
	static final int MAX_NAME_LENGTH = 255;

	/** The rows of a part of the queue, in order: those not loaded yet, up to the last stored at start. */
	static final String SELECT_RANGE = "SELECT unique_key, function_name, priority, data, when_to_run, job_sequence,"
			+ " attempts, last_error FROM " + NAME + " WHERE job_sequence > ? AND job_sequence <= ?"
			+ " ORDER BY job_sequence";

	/** The same, of one server's rows on a shared database (the owner index serves it). */
	static final String SELECT_OWNED_RANGE = "SELECT unique_key, function_name, priority, data, when_to_run,"
			+ " job_sequence, attempts, last_error FROM " + NAME + " WHERE job_sequence > ? AND job_sequence <= ?"
			+ " AND owner = ? ORDER BY job_sequence";

	static final String COUNT = "SELECT COUNT(*) FROM " + NAME;

	/** Rows, payload bytes and the last sequence: what the replay needs to know before it reads. */
	static final String SUMMARY = "SELECT COUNT(*), COALESCE(SUM(OCTET_LENGTH(data)), 0), COALESCE(MAX(job_sequence), 0)"
			+ " FROM " + NAME;

	private QueueTable() {
	}

}
