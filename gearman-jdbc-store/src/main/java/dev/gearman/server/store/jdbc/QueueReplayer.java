package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.sql.DataSource;

import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams {@code gearman_queue} in submission order into the engine: all of it at startup, or a range of it while
 * the engine loads a queue larger than its budget in parts. Progress is logged on large tables. The driver fetches
 * rows in groups sized to hold about {@value #FETCH_BYTES} bytes of payload, so that reading a table of large
 * payloads does not buffer a thousand of them at once.
 */
final class QueueReplayer {

	private static final Logger logger = LoggerFactory.getLogger(QueueReplayer.class);

	private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

	/** Payload bytes one fetch from the database should hold. */
	static final long FETCH_BYTES = 4L * 1024 * 1024;

	private static final int MAX_FETCH_ROWS = 1000;

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	/** Rows per fetch, from the table's average payload when it was last summarised. */
	private volatile int fetchRows = MAX_FETCH_ROWS;

	QueueReplayer(DataSource dataSource, JdbcJobStoreSettings settings) {
		this.dataSource = dataSource;
		this.settings = settings;
	}

	/**
	 * The largest stored sequence, and the fetch size for the table as it is.
	 * @return the sequence, 0 for an empty table
	 */
	long lastSequence() {
		try (Connection connection = this.dataSource.getConnection()) {
			return summary(connection).lastSequence();
		}
		catch (SQLException ex) {
			throw unavailable(ex);
		}
	}

	/**
	 * Streams the rows with {@code after < job_sequence <= upTo} in order, until the sink declines one.
	 * @param progress whether to log how far it got (the replay at startup)
	 * @param owner only this server's rows (a shared database), or {@code null} for all
	 */
	void replay(long after, long upTo, Predicate<StoredJob> sink, boolean progress, @Nullable String owner) {
		long start = System.nanoTime();
		try (Connection connection = this.dataSource.getConnection()) {
			long total = 0;
			if (progress) {
				Summary summary = summary(connection);
				total = summary.rows();
				if (total == 0) {
					logger.info("Job store is empty, nothing to replay");
					return;
				}
				logger.info("Replaying {} stored background jobs ({} bytes of payload) before the port opens", total,
						summary.bytes());
			}
			// PostgreSQL streams a result set only inside a transaction
			connection.setAutoCommit(false);
			long done = 0;
			long lastLog = start;
			try (PreparedStatement statement = connection.prepareStatement(
					(owner != null) ? QueueTable.SELECT_OWNED_RANGE : QueueTable.SELECT_RANGE)) {
				statement.setLong(1, after);
				statement.setLong(2, upTo);
				if (owner != null) {
					statement.setString(3, owner);
				}
				statement.setFetchSize(this.fetchRows);
				try (ResultSet rows = statement.executeQuery()) {
					while (rows.next()) {
						StoredJob job = new StoredJob(rows.getString(2), rows.getString(1), rows.getInt(3),
								bytes(rows.getBytes(4)), rows.getLong(5), rows.getLong(6), rows.getInt(7),
								rows.getString(8));
						if (!sink.test(job)) {
							break;
						}
						done++;
						long now = System.nanoTime();
						if (progress && now - lastLog > PROGRESS_INTERVAL_NANOS) {
							lastLog = now;
							logger.info("Replayed {} of {} stored jobs ({}%)", done, total, done * 100 / total);
						}
					}
				}
			}
			connection.commit();
			if (progress) {
				logger.info("Replayed {} stored jobs in {} ms", done,
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			}
		}
		catch (SQLException ex) {
			throw unavailable(ex);
		}
	}

	private Summary summary(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.setQueryTimeout((int) Math.max(60, this.settings.getTimeout().toSeconds()));
			try (ResultSet rows = statement.executeQuery(QueueTable.SUMMARY)) {
				rows.next();
				Summary summary = new Summary(rows.getLong(1), rows.getLong(2), rows.getLong(3));
				long average = (summary.rows() > 0) ? Math.max(1, summary.bytes() / summary.rows()) : 1;
				this.fetchRows = (int) Math.max(1, Math.min(MAX_FETCH_ROWS, FETCH_BYTES / average));
				return summary;
			}
		}
	}

	private static JobStoreUnavailableException unavailable(SQLException ex) {
		return new JobStoreUnavailableException("Could not read the stored jobs from " + QueueTable.NAME + ": "
				+ ex.getMessage(), ex);
	}

	private static byte[] bytes(byte[] data) {
		return (data != null) ? data : new byte[0];
	}

	/** What the table holds. */
	private record Summary(long rows, long bytes, long lastSequence) {
	}

}
