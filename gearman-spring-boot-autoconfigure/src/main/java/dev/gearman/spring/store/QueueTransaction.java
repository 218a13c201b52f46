package dev.gearman.spring.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.Executor;

import dev.gearman.server.store.StoredJob;
import dev.gearman.spring.store.StoreOperation.Delete;
import dev.gearman.spring.store.StoreOperation.Insert;
import org.jspecify.annotations.Nullable;

/**
 * One transaction on {@code gearman_queue}: a group commit's deletes and inserts, all committed or all rolled back.
 * The {@link GroupCommitWriter} decides what goes
 * into a transaction and what a failure means; this class only speaks SQL.
 */
final class QueueTransaction {

	private static final String POSTGRESQL = "PostgreSQL";

	/** The drivers we use set a socket timeout and need no thread to enforce it; some reject a null executor. */
	private static final Executor DIRECT = Runnable::run;

	private QueueTransaction() {
	}

	/**
	 * Deletes and inserts rows in one transaction. Every wait for the database is bounded: each statement by the
	 * statement timeout, and every read of an answer, the commit's included, by a network timeout on the
	 * connection, so that a database that stops answering fails the transaction instead of hanging it.
	 * @param connection a connection of the store's database, in auto-commit mode
	 * @param settings the timeouts
	 * @param deletes rows to delete
	 * @param inserts rows to insert
	 * @param replaceExisting whether a row under an insert's key is deleted first (a stale row after a crash)
	 * @throws OutcomeUnknownException if the commit itself failed: the transaction may or may not have committed
	 * @throws SQLException if the transaction failed before its commit; it did not commit
	 */
	static void commit(Connection connection, JdbcJobStoreSettings settings, List<Delete> deletes,
			List<Insert> inserts, boolean replaceExisting) throws SQLException {
		int previousNetworkTimeout = setNetworkTimeout(connection, settings.networkTimeoutMillis());
		try {
			connection.setAutoCommit(false);
			Long transactionId = write(connection, settings, deletes, inserts, replaceExisting);
			try {
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				// the COMMIT may have reached the database and only its answer got lost (connection dropped,
				// network timeout)
				rollback(connection, ex);
				throw new OutcomeUnknownException(ex, transactionId);
			}
		}
		finally {
			setNetworkTimeout(connection, previousNetworkTimeout);
		}
	}

	/** Runs the transaction's statements; on failure rolls back and throws. Returns PostgreSQL's transaction id. */
	private static @Nullable Long write(Connection connection, JdbcJobStoreSettings settings, List<Delete> deletes,
			List<Insert> inserts, boolean replaceExisting) throws SQLException {
		int queryTimeout = settings.queryTimeoutSeconds();
		try {
			Long transactionId = null;
			if (POSTGRESQL.equals(connection.getMetaData().getDatabaseProductName())) {
				transactionId = beginOnPostgres(connection, !deletes.isEmpty() || replaceExisting);
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
				insertRows(connection, inserts, queryTimeout);
			}
			return transactionId;
		}
		catch (SQLException | RuntimeException ex) {
			// not committed: a transaction the server never got a COMMIT for is rolled back, also when the
			// connection is lost, so the rollback failing changes nothing
			rollback(connection, ex);
			throw ex;
		}
	}

	private static void insertRows(Connection connection, List<Insert> inserts, int queryTimeout)
			throws SQLException {
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

	private static void rollback(Connection connection, Exception failure) {
		try {
			connection.rollback();
		}
		catch (SQLException | RuntimeException rollbackFailure) {
			failure.addSuppressed(rollbackFailure);
		}
	}

	/** Sets the connection's network timeout and returns the one it had; a driver without one keeps none. */
	private static int setNetworkTimeout(Connection connection, int millis) {
		try {
			int previous = connection.getNetworkTimeout();
			if (previous != millis) {
				connection.setNetworkTimeout(DIRECT, millis);
			}
			return previous;
		}
		catch (SQLFeatureNotSupportedException ex) {
			return millis;
		}
		catch (SQLException ex) {
			// a broken connection: the statements that follow fail with the reason
			return millis;
		}
	}

	/**
	 * Starts a transaction on PostgreSQL, in one round trip:
	 * <ul>
	 * <li>Its transaction id, so that when the answer to its COMMIT is lost, {@link #stillRunning} can tell when
	 * the server has decided its outcome (a commit can wait on the server, e.g. for a synchronous standby, after
	 * the connection gave up on it; a delete before then does not see its rows).</li>
	 * <li>For transactions that delete, plans without sequential scans. The queue is empty most of the time, so
	 * autovacuum's ANALYZE records it as empty; a plan made then is a sequential scan, and it stays cached (pgjdbc
	 * prepares a statement on the server after five uses, PostgreSQL keeps a generic plan after five more) when a
	 * burst fills the table, so every delete read the whole queue: 4,000 instead of 24,000 jobs/s in the
	 * benchmark. A lookup by the full primary key is right at any size.</li>
	 * </ul>
	 * {@code set_config(..., true)} is {@code SET LOCAL}: it ends with the transaction, so the application's own
	 * statements on a shared pool keep their settings.
	 */
	private static long beginOnPostgres(Connection connection, boolean deletes) throws SQLException {
		StringBuilder sql = new StringBuilder("SELECT txid_current()");
		if (deletes) {
			sql.append(", set_config('enable_seqscan', 'off', true)");
		}
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql.toString())) {
			rows.next();
			return rows.getLong(1);
		}
	}

	/**
	 * Whether PostgreSQL is still deciding the outcome of one of the given transactions, whose COMMIT answers got
	 * lost. Always {@code false} on the other databases: there a delete of a row that a transaction still holds
	 * waits for that transaction's end.
	 * @param connection a connection of the store's database
	 * @param settings the statement timeout
	 * @param transactionIds ids from transactions on PostgreSQL
	 * @return whether a delete now could miss a row that appears later
	 */
	static boolean stillRunning(Connection connection, JdbcJobStoreSettings settings, List<Long> transactionIds)
			throws SQLException {
		if (transactionIds.isEmpty() || !POSTGRESQL.equals(connection.getMetaData().getDatabaseProductName())) {
			return false;
		}
		try (PreparedStatement statement = connection.prepareStatement("SELECT txid_status(?)")) {
			statement.setQueryTimeout(settings.queryTimeoutSeconds());
			for (long id : transactionIds) {
				statement.setLong(1, id);
				try (ResultSet rows = statement.executeQuery()) {
					if (rows.next() && "in progress".equals(rows.getString(1))) {
						return true;
					}
				}
			}
		}
		return false;
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

	/**
	 * The commit of a transaction failed, so nobody knows whether it committed: the COMMIT may have reached the
	 * database and only its answer got lost. The rows it would have written must be deleted before the clients'
	 * failure answers can be trusted.
	 */
	static final class OutcomeUnknownException extends SQLException {

		private static final long serialVersionUID = 1L;

		private final @Nullable Long transactionId;

		OutcomeUnknownException(Exception cause, @Nullable Long transactionId) {
			super("the outcome of a commit is unknown: " + cause.getMessage(), sqlState(cause), cause);
			this.transactionId = transactionId;
		}

		/** The PostgreSQL transaction id, to ask the server whether it has decided the outcome yet. */
		@Nullable Long transactionId() {
			return this.transactionId;
		}

		private static @Nullable String sqlState(Exception cause) {
			return (cause instanceof SQLException sql) ? sql.getSQLState() : null;
		}

	}

}
