package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.gearman.server.history.JobEvent;
import dev.gearman.server.history.JobHistoryStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job history of a {@link JdbcJobStore}, in {@code gearman_job_history}. Events are queued (bounded) and
 * written in batches by a thread of their own, started with the first event, apart from the queue's writers: the
 * history is an audit trail, so it never delays or fails a job. When the database cannot keep up or is down,
 * events are dropped and counted, with one log line a minute at most. A query first waits (briefly) for the events
 * recorded before it, so a caller reads what the engine has recorded.
 */
final class JdbcJobHistory implements JobHistoryStore, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(JdbcJobHistory.class);

	static final int CAPACITY = 10_000;

	private static final int BATCH = 500;

	private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final ArrayBlockingQueue<JobEvent> queue = new ArrayBlockingQueue<>(CAPACITY);

	private final Object progress = new Object();

	/** Events taken into the queue, and those written or dropped since; guarded by {@link #progress}. */
	private long recorded;

	private long done;

	private long dropped;

	private long lastWarnNanos;

	private @Nullable Thread writer;

	private volatile boolean running = true;

	JdbcJobHistory(DataSource dataSource, JdbcJobStoreSettings settings) {
		this.dataSource = dataSource;
		this.settings = settings;
	}

	@Override
	public void record(JobEvent event) {
		synchronized (this.progress) {
			if (!this.running) {
				return;
			}
			if (this.writer == null) {
				this.writer = new Thread(this::writeLoop, "gearman-history-writer");
				this.writer.setDaemon(true);
				this.writer.start();
			}
			if (this.queue.offer(event)) {
				this.recorded++;
				return;
			}
			this.dropped++;
		}
		warnDropped("the history writer does not keep up");
	}

	/** Events dropped since start, because the queue was full or the database failed. */
	long dropped() {
		synchronized (this.progress) {
			return this.dropped;
		}
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

	/** Writes what is queued (waiting at most the store's timeout) and stops the writer. */
	@Override
	public void close() {
		Thread thread;
		synchronized (this.progress) {
			this.running = false;
			thread = this.writer;
		}
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(this.settings.networkTimeoutMillis() + 1000L);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private List<JobEvent> query(String sql, String key, int limit) {
		awaitRecorded();
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

	/** Waits, at most the store's timeout, until the events recorded so far are written (or dropped). */
	private void awaitRecorded() {
		long deadline = System.nanoTime() + this.settings.getTimeout().toNanos();
		synchronized (this.progress) {
			long target = this.recorded;
			while (this.done < target && this.running) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.progress, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private void writeLoop() {
		List<JobEvent> batch = new ArrayList<>(BATCH);
		while (this.running || !this.queue.isEmpty()) {
			try {
				JobEvent first = this.queue.poll(this.settings.getRetryInterval().toMillis(), TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
			}
			catch (InterruptedException ex) {
				// closing: write what is queued, then stop
				if (this.queue.isEmpty()) {
					return;
				}
			}
			this.queue.drainTo(batch, BATCH - batch.size());
			try {
				write(batch);
			}
			catch (SQLException | RuntimeException ex) {
				synchronized (this.progress) {
					this.dropped += batch.size();
				}
				warnDropped("the database failed: " + ex.getMessage());
			}
			synchronized (this.progress) {
				this.done += batch.size();
				this.progress.notifyAll();
			}
			batch.clear();
		}
	}

	private void write(List<JobEvent> events) throws SQLException {
		try (Connection connection = this.dataSource.getConnection()) {
			QueueTransaction.setNetworkTimeout(connection, this.settings.networkTimeoutMillis());
			connection.setAutoCommit(false);
			try (PreparedStatement statement = connection.prepareStatement(HistoryTable.INSERT)) {
				statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
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
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
		}
	}

	private void warnDropped(String why) {
		long now = System.nanoTime();
		long count;
		synchronized (this.progress) {
			if (this.lastWarnNanos != 0 && now - this.lastWarnNanos < WARN_INTERVAL_NANOS) {
				return;
			}
			this.lastWarnNanos = now;
			count = this.dropped;
		}
		logger.warn("Job history events dropped ({} so far): {}", count, why);
	}

}
