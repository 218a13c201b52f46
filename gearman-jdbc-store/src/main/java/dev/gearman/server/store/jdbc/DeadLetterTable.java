package dev.gearman.server.store.jdbc;

/**
 * The SQL of the {@code gearman_dead_letter} table (migration V2): background jobs that used up their attempts.
 * Plain SQL that H2, PostgreSQL and MySQL/MariaDB all accept; limits are set with {@code Statement.setMaxRows}.
 */
final class DeadLetterTable {

	static final String NAME = "gearman_dead_letter";

	private static final String COLUMNS = "function_name, unique_key, priority, data, attempts,"
			+ " first_attempt_millis, died_millis, last_error, worker";

	private static final String SUMMARY = "id, function_name, unique_key, priority, OCTET_LENGTH(data), attempts,"
			+ " first_attempt_millis, died_millis, last_error, worker";

	/**
	 * Moves a stored job's row here: copies it, with what the engine knows about its attempts, in the transaction
	 * that then deletes it. Copying from the row makes the move safe to repeat: once the row is gone a second run
	 * inserts nothing, so a move retried after its commit's answer was lost does not make two letters.
	 */
	static final String BURY_STORED = "INSERT INTO " + NAME + " (" + COLUMNS + ")"
			+ " SELECT function_name, unique_key, priority, data, ?, ?, ?, ?, ? FROM " + QueueTable.NAME
			+ " WHERE function_name = ? AND unique_key = ? AND job_sequence = ?";

	/** The same, while the row is the burying server's: on a shared database another server may run the job now. */
	static final String BURY_STORED_OWNED = BURY_STORED + " AND owner = ?";

	/** Keeps a job that had no row (its insert was still pending when it died). */
	static final String BURY = "INSERT INTO " + NAME + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

	static final String LIST = "SELECT " + SUMMARY + " FROM " + NAME + " WHERE id > ? ORDER BY id";

	static final String LIST_FUNCTION = "SELECT " + SUMMARY + " FROM " + NAME
			+ " WHERE function_name = ? AND id > ? ORDER BY id";

	static final String GET = "SELECT id, " + COLUMNS + " FROM " + NAME + " WHERE id = ?";

	static final String DELETE = "DELETE FROM " + NAME + " WHERE id = ?";

	static final String PURGE = "DELETE FROM " + NAME + " WHERE died_millis < ?";

	static final String PURGE_FUNCTION = "DELETE FROM " + NAME + " WHERE function_name = ? AND died_millis < ?";

	/** The id of the newest letter beyond a count; it and every older one go. */
	static final String NTH_NEWEST = "SELECT id FROM " + NAME + " ORDER BY id DESC LIMIT 1 OFFSET ?";

	static final String DELETE_UP_TO = "DELETE FROM " + NAME + " WHERE id <= ?";

	static final String COUNT_BY_FUNCTION = "SELECT function_name, COUNT(*) FROM " + NAME + " GROUP BY function_name";

	private DeadLetterTable() {
	}

}
