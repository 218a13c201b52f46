package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.gearman.server.store.DeadLetterStore;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * The dead letters of a {@link JdbcJobStore}, in {@code gearman_dead_letter}. Letters arrive through the store's
 * writers (a job's row is copied here and deleted in one group commit); the queries run on the caller's thread,
 * each statement bounded by the store's timeout; a requeue runs on a thread of its own (see
 * {@link DeadLetterRestore}).
 */
final class JdbcDeadLetters implements DeadLetterStore, AutoCloseable {

	/** Requeues that may wait for the requeue thread; more fail at once. */
	private static final int MAX_WAITING_RESTORES = 1000;

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final DeadLetterRestore restore;

	private final ThreadPoolExecutor restorer;

	/**
	 * @param owner this server's instance id on a shared database, whose a requeued job becomes; {@code null} where
	 * one server has the database alone
	 */
	JdbcDeadLetters(DataSource dataSource, JdbcJobStoreSettings settings, Supplier<@Nullable String> owner) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.restore = new DeadLetterRestore(dataSource, settings, owner);
		this.restorer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
				new ArrayBlockingQueue<>(MAX_WAITING_RESTORES), (task) -> {
					Thread thread = new Thread(task, "gearman-store-requeue");
					thread.setDaemon(true);
					return thread;
				});
	}

	@Override
	public List<StoredDeadLetter> list(@Nullable String function, long afterId, int limit) {
		String sql = (function != null) ? DeadLetterTable.LIST_FUNCTION : DeadLetterTable.LIST;
		return query(sql, limit, (statement) -> {
			int next = 1;
			if (function != null) {
				statement.setString(next++, function);
			}
			statement.setLong(next, afterId);
		}, (rows) -> new StoredDeadLetter(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getInt(4),
				new byte[0], rows.getInt(5), rows.getInt(6), rows.getLong(7), rows.getLong(8), rows.getString(9),
				rows.getString(10)));
	}

	@Override
	public @Nullable StoredDeadLetter get(long id) {
		List<StoredDeadLetter> found = query(DeadLetterTable.GET, 1, (statement) -> statement.setLong(1, id),
				(rows) -> {
					byte[] data = rows.getBytes(5);
					return new StoredDeadLetter(rows.getLong(1), rows.getString(2), rows.getString(3),
							rows.getInt(4), data, data.length, rows.getInt(6), rows.getLong(7), rows.getLong(8),
							rows.getString(9), rows.getString(10));
				});
		return found.isEmpty() ? null : found.get(0);
	}

	@Override
	public void restore(StoredDeadLetter letter, StoredJob job, Consumer<@Nullable Throwable> callback) {
		try {
			this.restorer.execute(() -> callback.accept(this.restore.move(letter, job)));
		}
		catch (RejectedExecutionException ex) {
			callback.accept(new JobStoreUnavailableException("too many requeues waiting (at most "
					+ MAX_WAITING_RESTORES + "), or the store is closed"));
		}
	}

	@Override
	public boolean delete(long id) {
		return update(DeadLetterTable.DELETE, (statement) -> statement.setLong(1, id)) == 1;
	}

	@Override
	public int purge(@Nullable String function, long diedBeforeMillis) {
		if (function == null) {
			return update(DeadLetterTable.PURGE, (statement) -> statement.setLong(1, diedBeforeMillis));
		}
		return update(DeadLetterTable.PURGE_FUNCTION, (statement) -> {
			statement.setString(1, function);
			statement.setLong(2, diedBeforeMillis);
		});
	}

	@Override
	public int prune(int maxCount, long diedBeforeMillis) {
		int pruned = purge(null, diedBeforeMillis);
		// the newest letter beyond the count, found by the primary key's order; it and all older ones go
		List<Long> limit = query(DeadLetterTable.NTH_NEWEST, 1, (statement) -> statement.setInt(1, maxCount),
				(rows) -> rows.getLong(1));
		if (!limit.isEmpty()) {
			pruned += update(DeadLetterTable.DELETE_UP_TO, (statement) -> statement.setLong(1, limit.get(0)));
		}
		return pruned;
	}

	@Override
	public Map<String, Long> countByFunction() {
		Map<String, Long> counts = new HashMap<>();
		query(DeadLetterTable.COUNT_BY_FUNCTION, 0, (statement) -> {
		}, (rows) -> counts.put(rows.getString(1), rows.getLong(2)));
		return counts;
	}

	/** Stops the requeue thread after the requeues it has taken (each waits until its outcome is known). */
	@Override
	public void close() {
		this.restorer.shutdown();
		try {
			this.restorer.awaitTermination(this.settings.getTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private <T> List<T> query(String sql, int maxRows, Parameters parameters, Row<T> row) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
			statement.setMaxRows(maxRows);
			parameters.set(statement);
			List<T> result = new ArrayList<>();
			try (ResultSet rows = statement.executeQuery()) {
				while (rows.next()) {
					result.add(row.read(rows));
				}
			}
			return result;
		}
		catch (SQLException ex) {
			throw new JobStoreUnavailableException("Could not read " + DeadLetterTable.NAME + ": " + ex.getMessage(),
					ex);
		}
	}

	private int update(String sql, Parameters parameters) {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setQueryTimeout(this.settings.queryTimeoutSeconds());
			parameters.set(statement);
			return statement.executeUpdate();
		}
		catch (SQLException ex) {
			throw new JobStoreUnavailableException("Could not change " + DeadLetterTable.NAME + ": "
					+ ex.getMessage(), ex);
		}
	}

	/** Sets a statement's parameters. */
	@FunctionalInterface
	interface Parameters {

		void set(PreparedStatement statement) throws SQLException;

	}

	/** Reads one row of a result. */
	@FunctionalInterface
	interface Row<T> {

		T read(ResultSet rows) throws SQLException;

	}

}
