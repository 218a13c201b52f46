package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.gearman.server.history.JobEvent;
import dev.gearman.server.history.JobHistoryStore;

/**
 * The job history of a {@link JdbcJobStore}, in {@code gearman_job_history}. Events are row writes of the store's
 * writers ({@link StoreOperation.History}): each rides along with the next commit of its job's writer, in order
 * with the job's own writes, at no commit of its own, and waits there, like a delete, while the database is down.
 * A query first waits (at most the store's timeout) for the events recorded before it, so a caller reads what the
 * engine recorded.
 */
final class JdbcJobHistory implements JobHistoryStore {

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final Consumer<JobEvent> writer;

	private final Runnable awaitWritten;

	/**
	 * @param writer hands an event to its job's writer
	 * @param awaitWritten waits until the writers committed what they were handed so far
	 */
	JdbcJobHistory(DataSource dataSource, JdbcJobStoreSettings settings, Consumer<JobEvent> writer,
			Runnable awaitWritten) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.writer = writer;
		this.awaitWritten = awaitWritten;
	}

	@Override
	public void record(JobEvent event) {
		this.writer.accept(event);
	}

	@Override
	public List<JobEvent> byHandle(String handle, int limit) {
		return query(HistoryTable.BY_HANDLE, handle, limit);
	}

	@Override
	public List<JobEvent> byUnique(String unique, int limit) {
		return query(HistoryTable.BY_UNIQUE, unique, limit);
	}

	@Override
	public int prune(long beforeMillis) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(HistoryTable.PRUNE)) {
			statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
			statement.setLong(1, beforeMillis);
			return statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new JobStoreUnavailableException("Could not prune " + HistoryTable.NAME + ": " + ex.getMessage(), ex);
		}
	}

	/** Inserts events, as one JDBC batch in the transaction of a group commit. */
	static void insert(Connection connection, List<JobEvent> events, int queryTimeout) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(HistoryTable.INSERT)) {
			statement.setQueryTimeout(queryTimeout);
			for (JobEvent event : events) {
				statement.setString(1, RowWrites.cut(event.handle(), QueueTable.MAX_NAME_LENGTH));
				statement.setString(2, event.function());
				statement.setString(3, event.unique());
				statement.setString(4, event.type().name());
				statement.setInt(5, event.attempt());
				statement.setLong(6, event.atMillis());
				statement.setString(7, (event.detail() != null)
						? RowWrites.cut(event.detail(), QueueTable.MAX_ERROR_LENGTH) : null);
				statement.setString(8, (event.worker() != null)
						? RowWrites.cut(event.worker(), QueueTable.MAX_NAME_LENGTH) : null);
				statement.setLong(9, event.resultSize());
				statement.setBytes(10, event.result());
				statement.addBatch();
			}
			statement.executeBatch();
		}
	}

	private List<JobEvent> query(String sql, String key, int limit) {
		this.awaitWritten.run();
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
			statement.setMaxRows(limit);
			statement.setString(1, key);
			List<JobEvent> events = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					events.add(new JobEvent(rows.getString(1), rows.getString(2), rows.getString(3),
							JobEvent.Type.valueOf(rows.getString(4)), rows.getInt(5), rows.getLong(6),
							rows.getString(7), rows.getString(8), rows.getLong(9), rows.getBytes(10)));
				}
			}
			return events;
		}
		catch (SQLException ex) {
			throw new JobStoreUnavailableException("Could not read " + HistoryTable.NAME + ": " + ex.getMessage(), ex);
		}
	}

}
