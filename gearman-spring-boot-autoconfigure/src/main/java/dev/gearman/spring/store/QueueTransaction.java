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
	 * Deletes rows a function's keys at a time ({@code unique_key IN (...)}): one statement per chunk costs the
	 * database far less than one per row.
	 */
	private static void deleteRows(Connection connection, List<Delete> deletes, int queryTimeout) throws SQLException {
		Map<String, List<String>> byFunction = new LinkedHashMap<>();
		for (Delete delete : deletes) {
			byFunction.computeIfAbsent(delete.function(), (function) -> new ArrayList<>()).add(delete.unique());
		}
		for (Map.Entry<String, List<String>> entry : byFunction.entrySet()) {
			List<String> uniques = entry.getValue();
			for (int from = 0; from < uniques.size(); from += QueueTable.DELETE_CHUNK) {
				List<String> chunk = uniques.subList(from, Math.min(uniques.size(), from + QueueTable.DELETE_CHUNK));
				try (PreparedStatement statement = connection.prepareStatement(QueueTable.deleteKeys(chunk.size()))) {
					statement.setQueryTimeout(queryTimeout);
					statement.setString(1, entry.getKey());
					for (int i = 0; i < chunk.size(); i++) {
						statement.setString(i + 2, chunk.get(i));
					}
					statement.executeUpdate();
				}
			}
		}
	}

}
