package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

import java.util.function.Supplier;

import javax.sql.DataSource;

import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dead letter's move back into {@code gearman_queue}: the job's row is inserted and the letter deleted in one
 * transaction, which fails if the letter is gone (requeued or purged meanwhile). A move is answered only once its
 * outcome is known: when the answer to its COMMIT is lost, the database is asked, as soon as it answers again,
 * whether the job's row exists. So the engine runs the job if and only if the move committed, and the job is in
 * exactly one place whatever fails when.
 */
final class DeadLetterRestore {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterRestore.class);

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final Supplier<@Nullable String> owner;

	DeadLetterRestore(DataSource dataSource, JdbcJobStoreSettings settings, Supplier<@Nullable String> owner) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.owner = owner;
	}

	/**
	 * Moves a letter; blocks until the outcome is known.
	 * @return {@code null} if the move committed, else why not (the letter is then unchanged)
	 */
	@Nullable Throwable move(StoredDeadLetter letter, StoredJob job) {
		Long transactionId = null;
		try (Connection connection = this.dataSource.getConnection()) {
			// every wait for the database is bounded, the commit's answer included, as in the writers' transactions
			QueueTransaction.setNetworkTimeout(connection, this.settings.networkTimeoutMillis());
			connection.setAutoCommit(false);
			try {
				transactionId = begin(connection);
				insert(connection, job);
				if (!deleteLetter(connection, letter.id())) {
					connection.rollback();
					return new IllegalStateException("dead letter: " + letter.id() + " (expected: one that is kept)");
				}
			}
			catch (SQLException | RuntimeException ex) {
				QueueTransaction.rollback(connection, ex);
				return ex;
			}
			try {
				connection.commit();
				return null;
			}
			catch (SQLException | RuntimeException ex) {
				logger.warn("The answer to the commit of a requeue of {} was lost; asking the database how it went",
						letter);
			}
		}
		catch (SQLException ex) {
			return new JobStoreUnavailableException("Could not requeue " + letter + ": " + ex.getMessage(), ex);
		}
		return outcome(job, transactionId);
	}

	private @Nullable Long begin(Connection connection) throws SQLException {
		if (QueueTransaction.POSTGRESQL.equals(connection.getMetaData().getDatabaseProductName())) {
			return QueueTransaction.beginOnPostgres(connection, false, this.settings.isRequireDurableCommits(),
					this.settings.networkTimeoutMillis());
		}
		return null;
	}

	private void insert(Connection connection, StoredJob job) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(QueueTable.INSERT)) {
			statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
			statement.setString(1, job.unique());
			statement.setString(2, job.function());
			statement.setInt(3, job.priority());
			statement.setBytes(4, job.data());
			statement.setLong(5, job.whenToRun());
			statement.setLong(6, job.sequence());
			statement.setTimestamp(7, new Timestamp(System.currentTimeMillis()));
			// on a shared database the job is this server's, under the handle its clients will learn
			statement.setString(8, this.owner.get());
			statement.setString(9, job.handle());
			statement.executeUpdate();
		}
	}

	private boolean deleteLetter(Connection connection, long id) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(DeadLetterTable.DELETE)) {
			statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
			statement.setLong(1, id);
			return statement.executeUpdate() == 1;
		}
	}

	/**
	 * Whether a move whose COMMIT went unanswered committed: its job's row exists. Asks once per retry interval
	 * until the database answers (on PostgreSQL, until it has decided the transaction's outcome).
	 */
	private @Nullable Throwable outcome(StoredJob job, @Nullable Long transactionId) {
		while (true) {
			try {
				Thread.sleep(this.settings.getRetryInterval().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return new JobStoreUnavailableException("interrupted while asking whether a requeue committed; its"
						+ " job is stored or still a dead letter, and runs after a restart if stored");
			}
			try (Connection connection = this.dataSource.getConnection()) {
				if (transactionId != null && QueueTransaction.stillRunning(connection, this.settings,
						List.of(transactionId))) {
					continue;
				}
				boolean stored = exists(connection, job);
				logger.info("A requeue whose commit went unanswered {}", stored ? "committed" : "did not commit");
				return stored ? null : new JobStoreUnavailableException("the requeue did not commit");
			}
			catch (SQLException ex) {
				logger.debug("Database still unreachable while asking whether a requeue committed", ex);
			}
		}
	}

	private boolean exists(Connection connection, StoredJob job) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(QueueTable.EXISTS_JOB)) {
			statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
			statement.setString(1, job.function());
			statement.setString(2, job.unique());
			statement.setLong(3, job.sequence());
			try (ResultSet rows = statement.executeQuery()) {
				return rows.next() && rows.getLong(1) > 0;
			}
		}
	}

}
