package dev.gearman.server.store.jdbc;

import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import javax.sql.DataSource;

import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * A durable {@link JobStore} on the {@code gearman_queue} table of any JDBC database (H2, PostgreSQL and
 * MySQL/MariaDB are tested). The table comes from the Flyway migrations in {@code classpath:db/gearman/{vendor}}.
 * <p>
 * Inserts and deletes from every connection are handed to writer threads that commit them in batches (group
 * commit); an insert's callback, and so the client's JOB_CREATED, comes after the commit. Jobs are spread over
 * the writers by key, so each key's writes stay in order. Writes are bounded in
 * number and time: when the queue is full, the database is down or a commit takes longer than the timeout, the
 * submission fails at once and the client gets ERROR QUEUE_ERROR; a job already in a transaction gets the answer
 * of that transaction's outcome, so the client's answer and the database agree. The store probes the database and
 * recovers by itself.
 */
public final class JdbcJobStore implements JobStore {

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final GroupCommitWriter[] writers;

	private final StoreAvailability availability;

	private final QueueReplayer replayer;

	/**
	 * Creates a store and starts its writer threads, after making sure that its commits are durable on this
	 * database whatever the JDBC URL says (see {@link JdbcJobStoreSettings#isRequireDurableCommits()}).
	 * @param dataSource the database, with the {@code gearman_queue} table migrated
	 * @param settings the tuning
	 * @throws IllegalStateException if the database's commits may be lost in a crash and the store cannot change
	 * that, or the database cannot be reached
	 */
	public JdbcJobStore(DataSource dataSource, JdbcJobStoreSettings settings) {
		this.dataSource = dataSource;
		this.settings = settings;
		QueueTransaction.prepareDurableCommits(dataSource, settings);
		int count = settings.getWriters();
		int capacity = Math.max(1, (settings.getQueueCapacity() + count - 1) / count);
		this.availability = new StoreAvailability(dataSource, settings);
		this.replayer = new QueueReplayer(dataSource, settings);
		this.writers = new GroupCommitWriter[count];
		for (int i = 0; i < count; i++) {
			this.writers[i] = new GroupCommitWriter(dataSource, settings, this.availability,
					String.valueOf(i + 1), capacity);
		}
		for (GroupCommitWriter writer : this.writers) {
			writer.start();
		}
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
		writerFor(job.function(), job.unique()).insert(insert);
	}

	@Override
	public void remove(String function, String unique, long sequence) {
		writerFor(function, unique).delete(new StoreOperation.Delete(function, unique, sequence));
	}

	/** The writer of a key: always the same one, so a job's delete is ordered after its insert. */
	private GroupCommitWriter writerFor(String function, String unique) {
		if (this.writers.length == 1) {
			return this.writers[0];
		}
		int hash = 31 * function.hashCode() + unique.hashCode();
		return this.writers[Math.floorMod(hash ^ (hash >>> 16), this.writers.length)];
	}

	@Override
	public void replay(Consumer<StoredJob> sink) {
		this.replayer.replay(Long.MIN_VALUE, Long.MAX_VALUE, (job) -> {
			sink.accept(job);
			return true;
		}, true);
	}

	/**
	 * Reads a range of the table in order: the whole of it at startup (with progress logged), a later part while the
	 * engine loads a queue larger than its budget.
	 */
	@Override
	public void replay(long after, long upTo, Predicate<StoredJob> sink) {
		this.replayer.replay(after, upTo, sink, after == Long.MIN_VALUE);
	}

	@Override
	public long lastSequence() {
		return this.replayer.lastSequence();
	}

	@Override
	public void setListener(JobStoreListener listener) {
		for (GroupCommitWriter writer : this.writers) {
			writer.setListener(listener);
		}
	}

	@Override
	public boolean isAvailable() {
		return this.availability.isAvailable();
	}

	/**
	 * Why the store is unavailable.
	 * @return the last database failure, or {@code null}
	 */
	@Override
	public @Nullable String lastFailure() {
		return this.availability.lastFailure();
	}

	/**
	 * Inserts waiting for the writers.
	 * @return the number of queued inserts
	 */
	public int queuedInserts() {
		return (int) sum(GroupCommitWriter::queuedInserts);
	}

	/**
	 * Transactions committed with at least one insert, for batch-size metrics.
	 * @return the number of batches
	 */
	public long committedBatches() {
		return sum(GroupCommitWriter::committedBatches);
	}

	/**
	 * Inserts committed since start.
	 * @return the number of jobs
	 */
	public long committedInserts() {
		return sum(GroupCommitWriter::committedInserts);
	}

	private long sum(ToLongFunction<GroupCommitWriter> figure) {
		long total = 0;
		for (GroupCommitWriter writer : this.writers) {
			total += figure.applyAsLong(writer);
		}
		return total;
	}

	/**
	 * Commits what is queued (within the timeout) and stops the writers. Jobs stay in the table.
	 */
	@Override
	public void close() {
		// all writers first, so that they commit what they hold at the same time, then wait for each
		for (GroupCommitWriter writer : this.writers) {
			writer.stopTaking();
		}
		for (GroupCommitWriter writer : this.writers) {
			writer.close();
		}
	}

}
