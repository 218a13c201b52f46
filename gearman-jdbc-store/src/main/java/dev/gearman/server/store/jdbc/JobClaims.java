package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * The SQL of taking rows of {@code gearman_queue} over: a batch of a dead server's rows (or of rows nobody owns)
 * becomes this server's in one transaction, in sequence order. {@code FOR UPDATE SKIP LOCKED} makes two servers
 * that take over at the same time split the rows between them, never share one, and never wait for each other.
 * The release at shutdown is here too: it gives rows back to nobody, for the next server that looks.
 */
final class JobClaims {

	/** Rows claimed per transaction; the engine adopts them per batch. */
	static final int BATCH = 500;

	/** Everything a job needs to run on: a job waiting to be retried keeps its attempts and last error. */
	private static final String COLUMNS = "function_name, unique_key, priority, data, when_to_run, job_sequence,"
			+ " job_handle, attempts, last_error";

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final boolean postgres;

	JobClaims(DataSource dataSource, JdbcJobStoreSettings settings, boolean postgres) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.postgres = postgres;
	}

	/**
	 * Makes up to {@link #BATCH} rows of a server this server's, the oldest first; rows another transaction holds
	 * (another server taking them over, or the dead server's own last transaction) are skipped.
	 * @param from the server whose rows are taken, or {@code null} for rows nobody owns
	 * @param to this server's instance id
	 * @return the claimed jobs, in sequence order; empty when none is left
	 * @throws ClaimOutcomeUnknownException if the commit failed, so the rows may be this server's or not
	 * @throws SQLException if the claim failed and did not commit
	 */
	List<StoredJob> claim(@Nullable String from, String to) throws SQLException {
		return BoundedConnection.run(this.dataSource, this.settings, (connection) -> {
			connection.setAutoCommit(false);
			List<StoredJob> jobs;
			try {
				jobs = claim(connection, from, to);
			}
			catch (SQLException | RuntimeException ex) {
				QueueTransaction.rollback(connection, ex);
				throw ex;
			}
			try {
				connection.commit();
			}
			catch (SQLException ex) {
				QueueTransaction.rollback(connection, ex);
				throw new ClaimOutcomeUnknownException(ex, jobs);
			}
			return jobs;
		});
	}

	/**
	 * Makes every row of a server this server's without reading them: at join, before the replay reads this
	 * server's rows as far as the engine's budget goes. Rows another transaction holds are waited for, and skipped if
	 * they changed owner meanwhile (the condition is checked again on the locked row).
	 * @param from the server whose rows are taken, or {@code null} for rows nobody owns
	 * @param to this server's instance id
	 * @return how many rows became this server's
	 * @throws SQLException if the claim failed; whether it committed is read back by the replay that follows
	 */
	int claimAll(@Nullable String from, String to) throws SQLException {
		return BoundedConnection.run(this.dataSource, this.settings, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("UPDATE " + QueueTable.NAME
					+ " SET owner = ? WHERE " + ((from != null) ? "owner = ?" : "owner IS NULL"))) {
				statement.setQueryTimeout((int) Math.max(60, this.settings.getTimeout().toSeconds()));
				statement.setString(1, to);
				if (from != null) {
					statement.setString(2, from);
				}
				return statement.executeUpdate();
			}
		});
	}

	private List<StoredJob> claim(Connection connection, @Nullable String from, String to) throws SQLException {
		int timeout = this.settings.queryTimeoutSeconds();
		if (this.postgres) {
			// the plan of a statement prepared while the queue was empty is a sequential scan, kept when it fills
			// (see QueueTransaction.beginOnPostgres): the owner index is right at any size
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT set_config('enable_seqscan', 'off', true), "
						+ QueueTransaction.abandonWhenIdle(this.settings.networkTimeoutMillis()));
			}
		}
		List<StoredJob> jobs = new ArrayList<>();
		String select = "SELECT " + COLUMNS + " FROM " + QueueTable.NAME + " WHERE "
				+ ((from != null) ? "owner = ?" : "owner IS NULL") + " ORDER BY job_sequence LIMIT " + BATCH
				+ " FOR UPDATE SKIP LOCKED";
		try (PreparedStatement statement = connection.prepareStatement(select)) {
			statement.setQueryTimeout(timeout);
			if (from != null) {
				statement.setString(1, from);
			}
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					byte[] data = rows.getBytes(4);
					jobs.add(new StoredJob(rows.getString(1), rows.getString(2), rows.getInt(3),
							(data != null) ? data : new byte[0], rows.getLong(5), rows.getLong(6), rows.getInt(8),
							rows.getString(9), rows.getString(7)));
				}
			}
		}
		if (jobs.isEmpty()) {
			return jobs;
		}
		try (PreparedStatement statement = connection.prepareStatement("UPDATE " + QueueTable.NAME
				+ " SET owner = ? WHERE function_name = ? AND unique_key = ? AND job_sequence = ?")) {
			statement.setQueryTimeout(timeout);
			for (StoredJob job : jobs) {
				statement.setString(1, to);
				statement.setString(2, job.function());
				statement.setString(3, job.unique());
				statement.setLong(4, job.sequence());
				statement.addBatch();
			}
			statement.executeBatch();
		}
		return jobs;
	}

	/**
	 * Gives rows up to nobody, for another server to take: the jobs a server that shuts down did not run. A row
	 * that is not the releasing server's any more stays as it is.
	 */
	void release(List<Release> releases) throws SQLException {
		BoundedConnection.run(this.dataSource, this.settings, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("UPDATE " + QueueTable.NAME
					+ " SET owner = NULL WHERE function_name = ? AND unique_key = ? AND job_sequence = ?"
					+ " AND owner = ?")) {
				statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
				for (Release release : releases) {
					statement.setString(1, release.function());
					statement.setString(2, release.unique());
					statement.setLong(3, release.sequence());
					statement.setString(4, release.owner());
					statement.addBatch();
				}
				return statement.executeBatch();
			}
		});
	}

	/** Owners of rows whose server is not registered at all (forgotten while a late transaction still wrote). */
	List<String> unregisteredOwners() throws SQLException {
		List<String> owners = new ArrayList<>();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT DISTINCT q.owner FROM "
						+ QueueTable.NAME + " q WHERE q.owner IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
						+ InstanceRegistry.NAME + " i WHERE i.instance_id = q.owner)")) {
			statement.setQueryTimeout(Math.max(60, this.settings.queryTimeoutSeconds()));
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					owners.add(rows.getString(1));
				}
			}
		}
		return owners;
	}

	/**
	 * A row a server that shuts down gives up.
	 *
	 * @param function the function name
	 * @param unique the unique key
	 * @param sequence the job's sequence
	 * @param owner the releasing server's instance id: the row is released only while it is that server's
	 */
	record Release(String function, String unique, long sequence, String owner) {
	}

	/**
	 * The commit of a claim failed: the rows may have become this server's or not. The server runs them all the
	 * same: a job run twice is allowed, a job that belongs to nobody who runs it is not.
	 */
	static final class ClaimOutcomeUnknownException extends SQLException {

		private static final long serialVersionUID = 1L;

		private final transient List<StoredJob> jobs;

		ClaimOutcomeUnknownException(SQLException cause, List<StoredJob> jobs) {
			super("the outcome of a claim is unknown: " + cause.getMessage(), cause.getSQLState(), cause);
			this.jobs = jobs;
		}

		List<StoredJob> jobs() {
			return this.jobs;
		}

	}

}
