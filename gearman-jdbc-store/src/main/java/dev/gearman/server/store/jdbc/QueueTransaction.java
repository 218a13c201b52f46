package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;

import javax.sql.DataSource;

import dev.gearman.server.store.StoredJob;
import dev.gearman.server.store.jdbc.StoreOperation.Delete;
import dev.gearman.server.store.jdbc.StoreOperation.Insert;

/**
 * One transaction on {@code gearman_queue}: a group commit's deletes and inserts, all committed or all rolled back.
 * The {@link GroupCommitWriter} decides what goes into a transaction and what a failure means; this class only
 * speaks SQL.
 */
final class QueueTransaction {

	private static final String POSTGRESQL = "PostgreSQL";

	private QueueTransaction() {
	}

	/**
	 * Deletes and inserts rows in one transaction.
	 * @param dataSource the database
	 * @param queryTimeout the statement timeout in seconds
	 * @param deletes rows to delete
	 * @param inserts rows to insert
	 * @param replaceExisting whether a row under an insert's key is deleted first (a stale row after a crash)
	 * @throws SQLException if the transaction failed; it was rolled back
	 */
	static void commit(DataSource dataSource, int queryTimeout, List<Delete> deletes, List<Insert> inserts,
			boolean replaceExisting) throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				if (!deletes.isEmpty() || replaceExisting) {
					keepDeletesOnTheKeyIndex(connection);
				}
				if (!deletes.isEmpty()) {
					deleteRows(connection, deletes, queryTimeout);
				}
				if (replaceExisting) {
					try (PreparedStatement statement = connection.prepareStatement(QueueTable.DELETE)) {
						statement.setQueryTimeout(queryTimeout);
						for (Insert insert : inserts) {
							statement.setString(1, insert.job.function());
							statement.setString(2, insert.job.unique());
							statement.addBatch();
						}
						statement.executeBatch();
					}
				}
				if (!inserts.isEmpty()) {
					Timestamp created = new Timestamp(System.currentTimeMillis());
					try (PreparedStatement statement = connection.prepareStatement(QueueTable.INSERT)) {
						statement.setQueryTimeout(queryTimeout);
						for (Insert insert : inserts) {
							StoredJob job = insert.job;
							statement.setString(1, job.unique());
							statement.setString(2, job.function());
							statement.setInt(3, job.priority());
							statement.setBytes(4, job.data());
							statement.setLong(5, job.whenToRun());
							statement.setLong(6, job.sequence());
							statement.setTimestamp(7, created);
							statement.addBatch();
						}
						statement.executeBatch();
					}
				}
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				try {
					connection.rollback();
				}
				catch (SQLException rollbackFailure) {
					ex.addSuppressed(rollbackFailure);
				}
				throw ex;
			}
		}
	}

	/**
	 * On PostgreSQL, plans this transaction's deletes without sequential scans. The queue is empty most of the time,
	 * so autovacuum's ANALYZE records it as empty; a plan made then is a sequential scan, and it stays cached
	 * (pgjdbc prepares a statement on the server after five uses, PostgreSQL keeps a generic plan after five more)
	 * when a burst fills the table, so every delete read the whole queue: 4,000 instead of 24,000 jobs/s in the
	 * benchmark. A lookup by the full primary key is right at any size. {@code SET LOCAL} ends with the
	 * transaction, so the application's own statements on a shared pool keep their settings.
	 */
	private static void keepDeletesOnTheKeyIndex(Connection connection) throws SQLException {
		if (POSTGRESQL.equals(connection.getMetaData().getDatabaseProductName())) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET LOCAL enable_seqscan = off");
			}
		}
	}

	/**
	 * Deletes rows by their full primary key, as one JDBC batch. An {@code unique_key IN (...)} list looked cheaper,
	 * but H2 then walks every row of the function through the key's first column and tests the list on each: with
	 * tens of thousands of queued jobs that made deletes the writer's main cost.
	 */
	private static void deleteRows(Connection connection, List<Delete> deletes, int queryTimeout) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(QueueTable.DELETE_JOB)) {
			statement.setQueryTimeout(queryTimeout);
			for (Delete delete : deletes) {
				statement.setString(1, delete.function());
				statement.setString(2, delete.unique());
				statement.setLong(3, delete.sequence());
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

}
