package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.gearman.server.store.StoredJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams {@code gearman_queue} in submission order into the engine at startup, logging progress on large tables.
 */
final class QueueReplayer {

	private static final Logger logger = LoggerFactory.getLogger(QueueReplayer.class);

	private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	QueueReplayer(DataSource dataSource, JdbcJobStoreSettings settings) {
		this.dataSource = dataSource;
		this.settings = settings;
	}

	void replay(Consumer<StoredJob> sink) {
		long start = System.nanoTime();
		try (Connection connection = this.dataSource.getConnection()) {
			long total = count(connection);
			if (total == 0) {
				logger.info("Job store is empty, nothing to replay");
				return;
			}
			logger.info("Replaying {} stored background jobs before the port opens", total);
			// PostgreSQL streams a result set only inside a transaction
			connection.setAutoCommit(false);
			long done = 0;
			long lastLog = start;
			try (PreparedStatement statement = connection.prepareStatement(QueueTable.SELECT_ALL)) {
				statement.setFetchSize(1000);
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						sink.accept(new StoredJob(rows.getString(2), rows.getString(1), rows.getInt(3),
								bytes(rows.getBytes(4)), rows.getLong(5), rows.getLong(6), rows.getInt(7),
								rows.getString(8)));
						done++;
						long now = System.nanoTime();
						if (now - lastLog > PROGRESS_INTERVAL_NANOS) {
							lastLog = now;
							logger.info("Replayed {} of {} stored jobs ({}%)", done, total, done * 100 / total);
						}
					}
				}
			}
			connection.commit();
			logger.info("Replayed {} stored jobs in {} ms", done,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
		}
		catch (SQLException ex) {
			throw new JobStoreUnavailableException("Could not read the stored jobs from " + QueueTable.NAME + ": "
					+ ex.getMessage(), ex);
		}
	}

	private long count(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.setQueryTimeout((int) Math.max(60, this.settings.getTimeout().toSeconds()));
			try (ResultSet rows = statement.executeQuery(QueueTable.COUNT)) {
				rows.next();
				return rows.getLong(1);
			}
		}
	}

	private static byte[] bytes(byte[] data) {
		return (data != null) ? data : new byte[0];
	}

}
