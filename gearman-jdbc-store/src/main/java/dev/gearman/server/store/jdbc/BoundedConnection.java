package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * Work on a connection of the store's database whose every wait for an answer is bounded by the store's network
 * timeout: a database that stops answering (a frozen link) must not hold a heartbeat or a takeover for ever.
 *
 * @param <T> the work's result
 */
@FunctionalInterface
interface BoundedConnection<T> {

	/**
	 * The work.
	 * @param connection the connection, its network timeout set
	 * @return the result
	 * @throws SQLException if the work failed
	 */
	T run(Connection connection) throws SQLException;

	/**
	 * Runs work on a connection of the pool, and gives the connection back with the network timeout it had.
	 * @param <T> the work's result
	 * @param dataSource the store's database
	 * @param settings the timeouts
	 * @param work the work
	 * @return its result
	 * @throws SQLException if the connection or the work failed
	 */
	static <T> T run(DataSource dataSource, JdbcJobStoreSettings settings, BoundedConnection<T> work)
			throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			int previous = QueueTransaction.setNetworkTimeout(connection, settings.networkTimeoutMillis());
			try {
				return work.run(connection);
			}
			finally {
				QueueTransaction.setNetworkTimeout(connection, previous);
			}
		}
	}

}
