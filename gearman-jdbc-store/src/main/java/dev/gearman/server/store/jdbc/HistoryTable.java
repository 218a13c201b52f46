package dev.gearman.server.store.jdbc;

/**
 * The SQL of the {@code gearman_job_history} table (migration V2): one row per event of a background job. Plain SQL
 * that H2, PostgreSQL and MySQL/MariaDB all accept; limits are set with {@code Statement.setMaxRows}.
 */
final class HistoryTable {

	static final String NAME = "gearman_job_history";

	private static final String COLUMNS = "job_handle, function_name, unique_key, event, attempt, at_millis, detail,"
			+ " worker, result_size, result";

	static final String INSERT = "INSERT INTO " + NAME + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

	static final String BY_HANDLE = "SELECT " + COLUMNS + " FROM " + NAME + " WHERE job_handle = ? ORDER BY id";

	static final String BY_UNIQUE = "SELECT " + COLUMNS + " FROM " + NAME + " WHERE unique_key = ? ORDER BY id";

	static final String PRUNE = "DELETE FROM " + NAME + " WHERE at_millis < ?";

	private HistoryTable() {
	}

}
