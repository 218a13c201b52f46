package dev.gearman.spring.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import dev.gearman.server.store.StoredJob;
import dev.gearman.spring.store.StoreOperation.Delete;
import dev.gearman.spring.store.StoreOperation.Insert;

/**
 * One transaction on {@code gearman_queue}: a group commit's deletes and inserts, all committed or all rolled back.
 * The {@link GroupCommitWriter} decides what goes into a transaction and what a failure means; this class only
 * speaks SQL.
 */
final class QueueTransaction {

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
	 * Deletes rows by their full primary key, as one JDBC batch. An {@code unique_key IN (...)} list looked cheaper,
	 * but H2 then walks every row of the function through the key's first column and tests the list on each: with
	 * tens of thousands of queued jobs that made deletes the writer's main cost.
	 */
	private static void deleteRows(Connection connection, List<Delete> deletes, int queryTimeout) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(QueueTable.DELETE)) {
			statement.setQueryTimeout(queryTimeout);
			for (Delete delete : deletes) {
				statement.setString(1, delete.function());
				statement.setString(2, delete.unique());
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

}
