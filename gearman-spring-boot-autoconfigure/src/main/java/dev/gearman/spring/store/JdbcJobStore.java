package dev.gearman.spring.store;

import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * A durable {@link JobStore} on the {@code gearman_queue} table of any JDBC database (H2, PostgreSQL and
 * MySQL/MariaDB are tested). The table comes from the Flyway migrations in {@code classpath:db/gearman/{vendor}}.
 * <p>
 * Inserts and deletes from every connection are handed to one writer thread that commits them in batches (group
 * commit); an insert's callback, and so the client's JOB_CREATED, comes after the commit. Writes are bounded in
 * number and time: when the queue is full, the database is down or a commit takes longer than the timeout, the
 * submission fails at once and the client gets ERROR QUEUE_ERROR. The store probes the database and recovers by
 * itself.
 */
public final class JdbcJobStore implements JobStore {

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final GroupCommitWriter writer;

	/**
	 * Creates a store and starts its writer thread.
	 * @param dataSource the database, with the {@code gearman_queue} table migrated
	 * @param settings the tuning
	 */
	public JdbcJobStore(DataSource dataSource, JdbcJobStoreSettings settings) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.writer = new GroupCommitWriter(dataSource, settings);
		this.writer.start();
	}

	@Override
	public boolean isDurable() {
		return true;
	}

	@Override
	public void add(StoredJob job, Consumer<@Nullable Throwable> callback) {
		StoreOperation.Insert insert = new StoreOperation.Insert(job,
				System.nanoTime() + this.settings.getTimeout().toNanos(), callback);
		if (job.function().length() > QueueTable.MAX_FUNCTION_LENGTH) {
			insert.complete(new IllegalArgumentException("function names longer than "
					+ QueueTable.MAX_FUNCTION_LENGTH + " characters cannot be stored"));
			return;
		}
		this.writer.insert(insert);
	}

	@Override
	public void remove(String function, String unique) {
		this.writer.delete(new StoreOperation.Delete(function, unique));
	}

	@Override
	public void replay(Consumer<StoredJob> sink) {
		new QueueReplayer(this.dataSource, this.settings).replay(sink);
	}

	@Override
	public void setListener(JobStoreListener listener) {
		this.writer.setListener(listener);
	}

	@Override
	public boolean isAvailable() {
		return this.writer.isAvailable();
	}

	/**
	 * Why the store is unavailable.
	 * @return the last database failure, or {@code null}
	 */
	@Override
	public @Nullable String lastFailure() {
		return this.writer.lastFailure();
	}

	/**
	 * Inserts waiting for the writer.
	 * @return the number of queued inserts
	 */
	public int queuedInserts() {
		return this.writer.queuedInserts();
	}

	/**
	 * Transactions committed with at least one insert, for batch-size metrics.
	 * @return the number of batches
	 */
	public long committedBatches() {
		return this.writer.committedBatches();
	}

	/**
	 * Inserts committed since start.
	 * @return the number of jobs
	 */
	public long committedInserts() {
		return this.writer.committedInserts();
	}

	/**
	 * Commits what is queued (within the timeout) and stops the writer. Jobs stay in the table.
	 */
	@Override
	public void close() {
		this.writer.close();
	}

}
