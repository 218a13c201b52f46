package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

import javax.sql.DataSource;

import dev.gearman.server.history.JobHistoryStore;
import dev.gearman.server.store.DeadLetter;
import dev.gearman.server.store.DeadLetterStore;
import dev.gearman.server.store.JobOwner;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.StoreInstance;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link JobStore} on the {@code gearman_queue} table of any JDBC database (H2, PostgreSQL and
 * MySQL/MariaDB are tested), with the dead letters ({@code gearman_dead_letter}), the job history
 * ({@code gearman_job_history}) and the paused functions ({@code gearman_paused_function}) beside it. The tables come
 * from {@link QueueSchema#migrate}, which applies the Flyway migrations under
 * {@code classpath:db/gearman/{h2,postgresql,mysql}} with a history table of their own.
 * <p>
 * Inserts and deletes from every connection are handed to writer threads that commit them in batches (group
 * commit); an insert's callback, and so the client's JOB_CREATED, comes after the commit. Jobs are spread over
 * the writers by key, so each key's writes stay in order. Writes are bounded in
 * number and time: when the queue is full, the database is down or a commit takes longer than the timeout, the
 * submission fails at once and the client gets ERROR QUEUE_ERROR; a job already in a transaction gets the answer
 * of that transaction's outcome, so the client's answer and the database agree. The store probes the database and
 * recovers by itself.
 * <p>
 * Several servers may share one PostgreSQL or MySQL/MariaDB database ({@link #isShared()}). A server joins it
 * ({@link #join}, before it replays) in the {@code gearman_instance} table, with a lease its heartbeats renew; each
 * row belongs to the server that stored the job. When a server's lease runs out (it was killed, or lost the
 * database) or it leaves, the others take its rows over, each row by exactly one of them, and run the jobs; a
 * server hands out its stored jobs only while its last heartbeat proves its lease, and every delete checks that
 * the row is still its own. A submission whose key another server stored joins that job. H2 is for one server
 * alone: a second one that joins refuses to start.
 */
public final class JdbcJobStore implements JobStore {

	private static final Logger logger = LoggerFactory.getLogger(JdbcJobStore.class);

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final GroupCommitWriter[] writers;

	private final StoreAvailability availability;

	private final JdbcDeadLetters deadLetters;

	private final JdbcJobHistory history;

	private final Membership membership;
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
		String product = productName(dataSource);
		QueueTransaction.prepareDurableCommits(dataSource, settings);
		int count = settings.getWriters();
		int capacity = Math.max(1, (settings.getQueueCapacity() + count - 1) / count);
		this.availability = new StoreAvailability(dataSource, settings);
		boolean shared = switch (product) {
			case "PostgreSQL", "MySQL", "MariaDB" -> true;
			default -> false;
		};
		this.membership = new Membership(settings, new InstanceRegistry(dataSource, settings, product),
				new JobClaims(dataSource, settings, "PostgreSQL".equals(product)), shared);
		this.replayer = new QueueReplayer(dataSource, settings);
		this.writers = new GroupCommitWriter[count];
		for (int i = 0; i < count; i++) {
			this.writers[i] = new GroupCommitWriter(dataSource, settings, this.availability, this.membership,
					String.valueOf(i + 1), capacity);
		}
		for (GroupCommitWriter writer : this.writers) {
			writer.start();
		}
		this.deadLetters = new JdbcDeadLetters(dataSource, settings, this.membership::checkedOwner);
		this.history = new JdbcJobHistory(dataSource, settings,
				(event) -> writerFor(event.function(), event.unique()).writeRow(new StoreOperation.History(event)),
				this::awaitRowWrites);
	}

	private static String productName(DataSource dataSource) {
		try (Connection connection = dataSource.getConnection()) {
			return connection.getMetaData().getDatabaseProductName();
		}
		catch (SQLException ex) {
			throw QueueSchema.unreachable("Could not read which database the job store is on", ex);
		}
	}

	@Override
	public boolean isDurable() {
		return true;
	}

	/**
	 * Whether several servers may share the database: PostgreSQL and MySQL/MariaDB, not H2.
	 * @return {@code true} for PostgreSQL and MySQL/MariaDB
	 */
	@Override
	public boolean isShared() {
		return this.membership.isShared();
	}

	@Override
	public String handleScope() {
		return this.membership.isShared() ? this.membership.scope() : "";
	}

	/**
	 * Registers the server in {@code gearman_instance}, starts its heartbeat and, on a shared database, takes over
	 * the jobs of servers that stopped; on H2 waits out the lease of a server that stopped without leaving, and
	 * refuses to start if another one is alive.
	 * @throws IllegalStateException if another server uses an H2 database, the lease is shorter than three
	 * heartbeat intervals, or the database cannot be reached
	 */
	@Override
	public void join(JobOwner owner) {
		this.membership.join(owner);
	}

	@Override
	public List<StoreInstance> instances() {
		return this.membership.instances();
	}

	@Override
	public void release(String function, String unique, long sequence) {
		this.membership.release(function, unique, sequence);
	}

	@Override
	public void add(StoredJob job, Consumer<@Nullable Throwable> callback) {
		StoreOperation.Insert insert = new StoreOperation.Insert(job, this.membership.ownerId(),
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
		writerFor(function, unique)
			.writeRow(new StoreOperation.Delete(function, unique, sequence, this.membership.checkedOwner()));
	}

	/** Rides along with the writer's next commit, like a delete; the same writer as the job's insert. */
	@Override
	public void retryLater(String function, String unique, long sequence, int attempts, long whenToRun,
			String lastError) {
		writerFor(function, unique).writeRow(new StoreOperation.RetryLater(function, unique, sequence, attempts,
				whenToRun, lastError, this.membership.checkedOwner()));
	}

	/**
	 * The row is copied to {@code gearman_dead_letter} and deleted in one transaction of the job's writer, so the job
	 * is in exactly one of the two tables whenever the process stops.
	 */
	@Override
	public void bury(DeadLetter letter) {
		writerFor(letter.function(), letter.unique())
			.writeRow(new StoreOperation.Bury(letter, this.membership.checkedOwner()));
	}

	/**
	 * Rides along with the next commit of the function's writer, so one function's pauses and resumes keep their
	 * order. A name longer than the table takes is not kept (the function is paused until the server stops).
	 */
	@Override
	public void setPaused(String function, boolean paused) {
		if (function.length() > QueueTable.MAX_FUNCTION_LENGTH) {
			logger.warn("Function names longer than {} characters cannot be stored: the pause of a function of {}"
					+ " characters does not outlive a restart", QueueTable.MAX_FUNCTION_LENGTH, function.length());
			return;
		}
		writerFor(function, "").writeRow(new StoreOperation.Pause(function, paused, System.currentTimeMillis()));
	}

	/**
	 * Reads {@code gearman_paused_function}.
	 * @throws IllegalStateException if the database cannot be read
	 */
	@Override
	public Set<String> pausedFunctions() {
		try {
			return PausedFunctionTable.read(this.dataSource, this.settings.queryTimeoutSeconds());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read the paused functions from "
					+ PausedFunctionTable.NAME, ex);
		}
	}

	@Override
	public DeadLetterStore deadLetters() {
		return this.deadLetters;
	}

	@Override
	public JobHistoryStore history() {
		return this.history;
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
		replay(Long.MIN_VALUE, Long.MAX_VALUE, (job) -> {
			sink.accept(job);
			return true;
		});
	}

	/**
	 * Reads a range of the table in order: the whole of it at startup (with progress logged), a later part while the
	 * engine loads a queue larger than its budget. On a shared database only this server's rows: those it claimed
	 * when it joined (rows of nobody and of servers gone); what it takes over later comes through
	 * {@link JobOwner#adopt}.
	 */
	@Override
	public void replay(long after, long upTo, Predicate<StoredJob> sink) {
		String owner = (this.membership.isShared() && this.membership.isJoined()) ? this.membership.ownerId() : null;
		this.replayer.replay(after, upTo, sink, after == Long.MIN_VALUE, owner);
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
	 * Commits what is queued (within the timeout) and stops the writers. Jobs stay in the table; a server that
	 * joined leaves, so that the other servers take over at once what it still owns.
	 */
	@Override
	public void close() {
		// no more jobs taken over; the heartbeat goes on proving the lease while the writers commit what they hold
		this.membership.stopTakingOver();
		// all writers first, so that they commit what they hold at the same time, then wait for each
		for (GroupCommitWriter writer : this.writers) {
			writer.stopTaking();
		}
		for (GroupCommitWriter writer : this.writers) {
			writer.close();
		}
		this.deadLetters.close();
		this.membership.leave();
	}

	/** Waits, at most the timeout, until the row writes handed to the writers so far are committed. */
	private void awaitRowWrites() {
		long deadline = System.nanoTime() + this.settings.getTimeout().toNanos();
		try {
			for (GroupCommitWriter writer : this.writers) {
				if (!writer.awaitRowWrites(Math.max(0, deadline - System.nanoTime()))) {
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
