package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.Executor;

import javax.sql.DataSource;

import dev.gearman.server.store.StoredJob;
import dev.gearman.server.store.jdbc.StoreOperation.Insert;
import dev.gearman.server.store.jdbc.StoreOperation.RowWrite;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One transaction on {@code gearman_queue}: a group commit's row writes (see {@link RowWrites}) and inserts, all
 * committed or all rolled back,
 * and the per-vendor settings that make such a commit durable. The {@link GroupCommitWriter} decides what goes
 * into a transaction and what a failure means; this class only speaks SQL.
 */
final class QueueTransaction {

	private static final Logger logger = LoggerFactory.getLogger(QueueTransaction.class);

	static final String POSTGRESQL = "PostgreSQL";

	/** The drivers we use set a socket timeout and need no thread to enforce it; some reject a null executor. */
	private static final Executor DIRECT = Runnable::run;

	private QueueTransaction() {
	}

	/**
	 * Deletes and inserts rows in one transaction. Every wait for the database is bounded: each statement by the
	 * statement timeout, and every read of an answer, the commit's included, by a network timeout on the
	 * connection, so that a database that stops answering fails the transaction instead of hanging it.
	 * @param connection a connection of the store's database, in auto-commit mode
	 * @param settings the timeouts, and whether commits must be durable
	 * @param deletes row writes: deletes, failed attempts, moves to the dead letters
	 * @param inserts rows to insert
	 * @param replaceExisting whether a row under an insert's key is deleted first (a stale row after a crash)
	 * @throws OutcomeUnknownException if the commit itself failed: the transaction may or may not have committed
	 * @throws SQLException if the transaction failed before its commit; it did not commit
	 */
	static void commit(Connection connection, JdbcJobStoreSettings settings, List<? extends RowWrite> deletes,
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
	private static @Nullable Long write(Connection connection, JdbcJobStoreSettings settings,
			List<? extends RowWrite> deletes,
			List<Insert> inserts, boolean replaceExisting) throws SQLException {
		int queryTimeout = settings.queryTimeoutSeconds();
		try {
			Long transactionId = null;
			if (POSTGRESQL.equals(connection.getMetaData().getDatabaseProductName())) {
				transactionId = beginOnPostgres(connection, !deletes.isEmpty() || replaceExisting,
						settings.isRequireDurableCommits(), settings.networkTimeoutMillis());
			}
			if (!deletes.isEmpty()) {
				RowWrites.apply(connection, deletes, queryTimeout);
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
				statement.setString(8, insert.owner);
				statement.setString(9, job.handle());
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

	/** Rolls a failed transaction back; a failure to do so is added to the first one. */
	static void rollback(Connection connection, Exception failure) {
		try {
			connection.rollback();
		}
		catch (SQLException | RuntimeException rollbackFailure) {
			failure.addSuppressed(rollbackFailure);
		}
	}

	/** Sets the connection's network timeout and returns the one it had; a driver without one keeps none. */
	static int setNetworkTimeout(Connection connection, int millis) {
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
	 * <li>{@code synchronous_commit} back on if a role or database default turned it off, when commits must be
	 * durable: with {@code off} a crash of the database loses the last commits, acknowledged jobs included. Every
	 * other value (local, remote_write, on, remote_apply) waits for the local WAL flush and stays as configured.</li>
	 * <li>The transaction is aborted by the server when the store goes silent in it for longer than its network
	 * timeout ({@link #abandonWhenIdle}).</li>
	 * <li>For transactions that delete, plans without sequential scans. The queue is empty most of the time, so
	 * autovacuum's ANALYZE records it as empty; a plan made then is a sequential scan, and it stays cached (pgjdbc
	 * prepares a statement on the server after five uses, PostgreSQL keeps a generic plan after five more) when a
	 * burst fills the table, so every delete read the whole queue: 4,000 instead of 24,000 jobs/s in the
	 * benchmark. A lookup by the full primary key is right at any size.</li>
	 * </ul>
	 * {@code set_config(..., true)} is {@code SET LOCAL}: it ends with the transaction, so the application's own
	 * statements on a shared pool keep their settings.
	 */
	static long beginOnPostgres(Connection connection, boolean deletes, boolean durable, int idleMillis)
			throws SQLException {
		StringBuilder sql = new StringBuilder("SELECT txid_current(), ").append(abandonWhenIdle(idleMillis));
		if (durable) {
			sql.append(", CASE WHEN current_setting('synchronous_commit') = 'off'"
					+ " THEN set_config('synchronous_commit', 'on', true) END");
		}
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
	 * The SQL, for a transaction's first statement on PostgreSQL, that has the server abort the transaction when the
	 * store has sent nothing for this long: a server cut off from the database (a frozen link, which closes no
	 * socket) would otherwise hold its row locks for hours, and the servers taking its jobs over skip locked rows.
	 * The store itself gives up on a transaction after its network timeout, so nothing it still waits for is lost.
	 */
	static String abandonWhenIdle(int idleMillis) {
		return "set_config('idle_in_transaction_session_timeout', '" + idleMillis + "', true)";
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
	 * The job stored under a key, if any: on a shared database another server's job (or one this server took over
	 * and the engine has not seen yet), which a submission of the same key joins.
	 * @return the stored job's handle, or {@code null} if no row holds the key
	 */
	static @Nullable StoredHandle storedUnder(Connection connection, JdbcJobStoreSettings settings, String function,
			String unique) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(QueueTable.SELECT_HANDLE)) {
			statement.setQueryTimeout(settings.queryTimeoutSeconds());
			statement.setString(1, function);
			statement.setString(2, unique);
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() ? new StoredHandle(rows.getString(1)) : null;
			}
		}
	}

	/**
	 * The handle of a stored job.
	 * @param handle the handle, {@code null} for a row stored before rows kept one
	 */
	record StoredHandle(@Nullable String handle) {
	}

	/**
	 * Makes the store's commits durable whatever the JDBC URL says, or refuses to start. A JOB_CREATED promises
	 * that the job is stored, so a commit must have reached the disk (H2: the file, so that a crash of the
	 * application loses nothing) before the client hears of it:
	 * <ul>
	 * <li>H2 writes commits to its file up to {@code WRITE_DELAY} ms (default 500) late: the store sets it to 0,
	 * a setting H2 keeps in the database, which takes admin rights.</li>
	 * <li>PostgreSQL: each of the store's transactions turns {@code synchronous_commit} back on if it is off (see
	 * {@link #beginOnPostgres}); {@code fsync=off} is only warned about, as the database's own decision that test
	 * servers make.</li>
	 * <li>MariaDB/MySQL: {@code innodb_flush_log_at_trx_commit} other than 1 writes the log to disk about once a
	 * second, so a crash of the database (0) or of its machine (2) loses acknowledged jobs. It is a global setting
	 * of the whole server, which the store must not change for every other application on it, so it refuses.</li>
	 * </ul>
	 * With {@code requireDurableCommits} off the store changes nothing and only warns.
	 * @param dataSource the store's database
	 * @param settings whether commits must be durable
	 * @throws IllegalStateException if commits are not durable and the store cannot make them so
	 */
	static void prepareDurableCommits(DataSource dataSource, JdbcJobStoreSettings settings) {
		boolean required = settings.isRequireDurableCommits();
		try (Connection connection = dataSource.getConnection()) {
			String product = connection.getMetaData().getDatabaseProductName();
			String problem = switch (product) {
				case "H2" -> prepareH2(connection, required);
				case POSTGRESQL -> checkPostgres(connection, required);
				case "MariaDB", "MySQL" -> checkInnoDb(connection);
				default -> {
					logger.info("The job store cannot check that commits on {} are durable; make sure they are",
							product);
					yield null;
				}
			};
			if (problem == null) {
				return;
			}
			if (required) {
				throw new IllegalStateException(problem + " Or set " + JdbcJobStoreSettings.REQUIRE_DURABLE_COMMITS
						+ "=false to accept losing acknowledged background jobs.");
			}
			logger.warn("{} Accepted because {}=false: acknowledged background jobs can be lost.", problem,
					JdbcJobStoreSettings.REQUIRE_DURABLE_COMMITS);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not check that the job store's commits are durable: "
					+ ex.getMessage(), ex);
		}
	}

	private static @Nullable String prepareH2(Connection connection, boolean required) throws SQLException {
		String delay = queryOne(connection,
				"SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'");
		if (delay == null || "0".equals(delay)) {
			return null;
		}
		String problem = "H2 writes commits to its file up to " + delay + " ms late (WRITE_DELAY), so a crash"
				+ " loses acknowledged background jobs.";
		if (!required) {
			return problem;
		}
		try (Statement statement = connection.createStatement()) {
			statement.execute("SET WRITE_DELAY 0");
		}
		catch (SQLException ex) {
			return problem + " The job store could not set it to 0 (" + ex.getMessage() + "): connect as a user"
					+ " with admin rights, or run SET WRITE_DELAY 0 once as one (H2 keeps it in the database).";
		}
		logger.info("H2's WRITE_DELAY set from {} to 0 ms: a commit reaches the file before JOB_CREATED", delay);
		return null;
	}

	private static @Nullable String checkPostgres(Connection connection, boolean required) throws SQLException {
		if ("off".equals(queryOne(connection, "SHOW fsync"))) {
			logger.warn("PostgreSQL runs with fsync=off: a crash of its machine can lose committed rows,"
					+ " acknowledged background jobs included (fine for a test server, not for production)");
		}
		if (!"off".equals(queryOne(connection, "SHOW synchronous_commit"))) {
			return null;
		}
		if (required) {
			logger.info("PostgreSQL's synchronous_commit is off for this connection; the job store turns it on"
					+ " for its own transactions only");
			return null;
		}
		return "PostgreSQL's synchronous_commit is off: a crash of the database loses the last commits.";
	}

	private static @Nullable String checkInnoDb(Connection connection) throws SQLException {
		String flush = queryOne(connection, "SELECT @@innodb_flush_log_at_trx_commit");
		if (flush == null || "1".equals(flush)) {
			return null;
		}
		return "The database runs with innodb_flush_log_at_trx_commit=" + flush + ": InnoDB writes its log to disk"
				+ " about once a second, so a crash of " + ("0".equals(flush) ? "the database server" : "its machine")
				+ " loses acknowledged background jobs. Set innodb_flush_log_at_trx_commit=1 on the server"
				+ " (its default).";
	}

	private static @Nullable String queryOne(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			return rows.next() ? rows.getString(1) : null;
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
