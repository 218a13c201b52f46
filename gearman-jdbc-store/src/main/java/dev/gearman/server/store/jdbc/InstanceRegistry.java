package dev.gearman.server.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.gearman.server.store.StoreInstance;

/**
 * The {@code gearman_instance} table: the servers registered with the store, their heartbeats and leases. Every
 * time in it is read from the database's clock, the one clock all servers compare with, as milliseconds since the
 * epoch. A lease never comes back once it has run out: a heartbeat renews only a lease that is still running, so
 * a server the others may already be taking over learns that it lost its jobs instead of reviving its claim.
 * This class only speaks SQL; {@link Membership} decides when.
 */
final class InstanceRegistry {

	static final String NAME = "gearman_instance";

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	/** The database's current time in milliseconds since the epoch, as an SQL expression of its dialect. */
	private final String now;

	InstanceRegistry(DataSource dataSource, JdbcJobStoreSettings settings, String productName) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.now = nowMillis(productName);
	}

	static String nowMillis(String productName) {
		return switch (productName) {
			case "PostgreSQL" -> "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
			// no session time zone in between: UNIX_TIMESTAMP(NOW()) is ambiguous in the hour a DST change repeats
			case "MySQL", "MariaDB" -> "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)";
			default -> "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";
		};
	}

	/** Registers a server whose lease runs from now; the id must be new. */
	void register(String id, String name, boolean shared, long leaseMillis) throws SQLException {
		update("INSERT INTO " + NAME + " (instance_id, name, shared, started_ms, heartbeat_ms, expires_ms, stored_jobs)"
				+ " VALUES (?, ?, ?, " + this.now + ", " + this.now + ", " + this.now + " + ?, 0)", (statement) -> {
					statement.setString(1, id);
					statement.setString(2, name);
					statement.setBoolean(3, shared);
					statement.setLong(4, leaseMillis);
				});
	}

	/**
	 * Renews a server's lease, unless it has run out already or the server left.
	 * @return whether it was renewed; {@code false} means the server has lost its jobs to the others
	 */
	boolean heartbeat(String id, long leaseMillis, long storedJobs) throws SQLException {
		return update("UPDATE " + NAME + " SET heartbeat_ms = " + this.now + ", expires_ms = " + this.now
				+ " + ?, stored_jobs = ? WHERE instance_id = ? AND expires_ms > " + this.now + " AND left_ms IS NULL",
				(statement) -> {
					statement.setLong(1, leaseMillis);
					statement.setLong(2, storedJobs);
					statement.setString(3, id);
				}) == 1;
	}

	/** Ends a server's lease now: it left, and the others may take what it still owns at once. */
	void leave(String id) throws SQLException {
		update("UPDATE " + NAME + " SET left_ms = " + this.now + ", expires_ms = " + this.now
				+ " WHERE instance_id = ? AND left_ms IS NULL", (statement) -> statement.setString(1, id));
	}

	/** Forgets a server that has been gone for longer than the given time; its rows must all be taken. */
	void forget(String id, long goneMillis) throws SQLException {
		update("DELETE FROM " + NAME + " WHERE instance_id = ? AND expires_ms < " + this.now + " - ?",
				(statement) -> {
					statement.setString(1, id);
					statement.setLong(2, goneMillis);
				});
	}

	/** Every registered server, oldest first, as of the database's clock now. */
	List<Registered> list() throws SQLException {
		return BoundedConnection.run(this.dataSource, this.settings, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("SELECT instance_id, name, shared,"
					+ " started_ms, heartbeat_ms, expires_ms, left_ms, stored_jobs, " + this.now + " FROM " + NAME
					+ " ORDER BY started_ms, instance_id")) {
				statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
				List<Registered> servers = new ArrayList<>();
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						long left = rows.getLong(7);
						servers.add(new Registered(rows.getString(1), rows.getString(2), rows.getBoolean(3),
								rows.getLong(4), rows.getLong(5), rows.getLong(6), rows.wasNull() ? 0 : left,
								rows.getLong(8), rows.getLong(9)));
					}
				}
				return servers;
			}
		});
	}

	private int update(String sql, Binder binder) throws SQLException {
		return BoundedConnection.run(this.dataSource, this.settings, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
				binder.bind(statement);
				return statement.executeUpdate();
			}
		});
	}

	@FunctionalInterface
	private interface Binder {

		void bind(PreparedStatement statement) throws SQLException;

	}

	/**
	 * One row of the table.
	 *
	 * @param id the instance id
	 * @param name the name it registered with
	 * @param shared whether it shares the store with others (PostgreSQL, MySQL/MariaDB) or must have it alone (H2)
	 * @param startedMillis when it joined
	 * @param heartbeatMillis its last heartbeat
	 * @param expiresMillis when its lease runs out (or ran out)
	 * @param leftMillis when it left cleanly, 0 if it did not
	 * @param storedJobs the stored jobs it held at its last heartbeat
	 * @param nowMillis the database's time when the row was read
	 */
	record Registered(String id, String name, boolean shared, long startedMillis, long heartbeatMillis,
			long expiresMillis, long leftMillis, long storedJobs, long nowMillis) {

		/** Whether its lease runs: it heart-beats, or stopped too recently for the others to take its jobs. */
		boolean isAlive() {
			return this.leftMillis == 0 && this.expiresMillis > this.nowMillis;
		}

		StoreInstance toInstance(String self) {
			StoreInstance.State state = (this.leftMillis != 0) ? StoreInstance.State.LEFT
					: isAlive() ? StoreInstance.State.ALIVE : StoreInstance.State.EXPIRED;
			return new StoreInstance(this.id, this.name, state, Instant.ofEpochMilli(this.startedMillis),
					Instant.ofEpochMilli(this.heartbeatMillis), this.storedJobs, this.id.equals(self));
		}

	}

}
