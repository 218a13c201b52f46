package dev.gearman.server.store.jdbc;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.jdbc.QueueTransaction.OutcomeUnknownException;
import dev.gearman.server.store.jdbc.StoreOperation.Insert;
import dev.gearman.server.store.jdbc.StoreOperation.RowWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes {@code gearman_queue}: it drains whatever inserts and row writes (deletes, failed
 * attempts, moves to the dead letters) piled up while the previous transaction ran and commits them together
 * (group commit), so throughput does not pay one commit per job. An insert's callback runs only after its
 * transaction committed.
 * <p>
 * The client's answer and the database agree. An insert is answered by the outcome of the transaction that took
 * it: success once it committed, failure once it rolled back. That wait is bounded by the statement timeout and
 * by a network timeout on the connection (see {@link JdbcJobStoreSettings#getTimeout()}). Until a transaction
 * takes it, an insert whose deadline passed is failed, by the writer or by a watchdog that also runs while the
 * writer hangs in a JDBC call; the watchdog also turns the store unavailable as soon as a transaction runs longer
 * than the timeout, so that new submissions fail fast meanwhile.
 * <p>
 * When the commit call itself fails (the connection dropped during COMMIT, or the network timeout expired), the
 * transaction may have committed all the same. Its inserts are failed, and their rows, exactly those (function,
 * unique key and sequence), are deleted before this writer commits anything else, as soon as the database answers
 * again; on PostgreSQL not before the server has decided that transaction's outcome. What remains: if this server
 * crashes before that delete, such a job, whose client got QUEUE_ERROR, runs after the restart.
 * <p>
 * When the database fails, the store turns unavailable: new inserts fail at once, deletes are kept for later, and
 * the writer probes the database every retry interval until it answers again.
 * <p>
 * This class owns the writer thread and its loop, and what it decides for each batch; its parts own the rest:
 * {@link WriteQueue} the bounded queue, {@link PendingRowWrites} the row writes not committed yet,
 * {@link BatchCommitter} the transactions, {@link InDoubtInserts} the rows of lost commits, {@link WriterWatchdog}
 * the deadlines while the writer hangs.
 */
final class GroupCommitWriter {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommitWriter.class);

	private final JdbcJobStoreSettings settings;

	private final WriteQueue queue;

	private final PendingRowWrites pendingWrites = new PendingRowWrites();

	private final BatchCommitter committer;

	private final InDoubtInserts inDoubt;

	private final Thread writer;

	private final WriterWatchdog watchdog;

	private final AtomicLong committedBatches = new AtomicLong();

	private final AtomicLong committedInserts = new AtomicLong();

	private volatile boolean running = true;

	private final StoreAvailability availability;

	private final Membership membership;

	/**
	 * Creates a writer; {@link #start()} starts its threads.
	 * @param dataSource the database
	 * @param settings the tuning
	 * @param availability the store's availability, shared with its other writers
	 * @param membership the server's membership, which answers committed inserts
	 * @param name the suffix of the thread names
	 * @param capacity the inserts that may wait for this writer
	 */
	GroupCommitWriter(DataSource dataSource, JdbcJobStoreSettings settings, StoreAvailability availability,
			Membership membership, String name, int capacity) {
		this.membership = membership;
		this.availability = availability;
		this.settings = settings;
		this.queue = new WriteQueue(capacity);
		this.committer = new BatchCommitter(dataSource, settings, availability);
		this.inDoubt = new InDoubtInserts(settings, availability, this.committer);
		this.writer = new Thread(this::writeLoop, "gearman-store-writer-" + name);
		this.writer.setDaemon(true);
		this.watchdog = new WriterWatchdog(name, this.writer, this.queue, this.committer, availability, settings);
	}

	void setListener(JobStoreListener listener) {
		this.committer.setListener(listener);
	}

	void start() {
		this.writer.start();
		this.watchdog.start();
	}

	int queuedInserts() {
		return this.queue.queuedInserts();
	}

	long committedBatches() {
		return this.committedBatches.get();
	}

	long committedInserts() {
		return this.committedInserts.get();
	}

	/** Queues an insert, or fails it at once if the store is closed, unavailable or full. */
	void insert(Insert insert) {
		if (!this.running) {
			insert.complete(new JobStoreUnavailableException("the job store is closed"));
			return;
		}
		if (!this.availability.isAvailable()) {
			insert.complete(this.availability.unavailable());
			return;
		}
		this.queue.add(insert);
	}

	/** Queues a row write; once the store is closed the row stays as it is and its job runs after a restart. */
	void writeRow(RowWrite write) {
		if (!this.running) {
			logger.debug("Store closed: {} not written; the job's row stays and runs again after a restart", write);
			return;
		}
		this.pendingWrites.queued();
		this.queue.add(write);
	}

	/**
	 * Waits until the row writes queued so far are committed (the writer commits them with its next transaction, or
	 * within the row-write delay).
	 * @param timeoutNanos the longest wait
	 * @return whether they were committed in time
	 */
	boolean awaitRowWrites(long timeoutNanos) throws InterruptedException {
		return this.pendingWrites.await(timeoutNanos, this.writer::isAlive);
	}

	/** Stops taking writes and wakes the writer to commit what is queued; {@link #close()} waits for it. */
	void stopTaking() {
		this.running = false;
		this.queue.add(StoreOperation.Wake.INSTANCE);
	}

	/** Stops taking writes, commits what is queued (bounded by the timeouts) and stops the threads. */
	void close() {
		stopTaking();
		try {
			this.writer.join(this.settings.networkTimeoutMillis() + 2 * this.settings.getTimeout().toMillis() + 1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.watchdog.stop();
		this.queue.expireAll(new JobStoreUnavailableException("the job store was closed"));
		if (this.writer.isAlive()) {
			return;
		}
		if (!this.pendingWrites.isEmpty()) {
			logger.warn("{} writes of finished or failed jobs could not be made in the store; those jobs run again"
					+ " after a restart", this.pendingWrites.size());
		}
		if (!this.inDoubt.isEmpty()) {
			logger.warn("{} jobs whose clients got QUEUE_ERROR may have been stored all the same (the answer to their"
					+ " commit was lost); they run after a restart", this.inDoubt.size());
		}
	}

	private void writeLoop() {
		List<StoreOperation> drained = new ArrayList<>();
		while (this.running || !this.queue.isEmpty()
				|| (!this.pendingWrites.isEmpty() && this.availability.isAvailable())) {
			try {
				StoreOperation first = this.queue.poll(pollNanos());
				if (first == null) {
					if (!this.availability.isAvailable()) {
						// once it answers, rows in doubt go first, then the deletes kept meanwhile
						this.availability.probe();
					}
					else if (!this.inDoubt.isEmpty()) {
						this.inDoubt.resolve();
					}
					else if (!this.pendingWrites.isEmpty() && (writesAreDue() || !this.running)) {
						writePending(List.of());
					}
					continue;
				}
				drained.clear();
				drained.add(first);
				this.queue.drainTo(drained, this.settings.getMaxBatchSize() - 1);
				process(drained);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.error("Unexpected failure in the job store writer", ex);
			}
		}
		if (!this.inDoubt.isEmpty() && this.availability.isAvailable()) {
			this.inDoubt.resolveNow();
		}
	}

	private long pollNanos() {
		long retry = this.settings.getRetryInterval().toNanos();
		if (!this.availability.isAvailable()) {
			return retry;
		}
		if (!this.inDoubt.isEmpty()) {
			return this.inDoubt.nanosUntilRetry();
		}
		if (this.pendingWrites.isEmpty()) {
			return retry;
		}
		return this.pendingWrites.nanosUntilDue();
	}

	private boolean writesAreDue() {
		return this.pendingWrites.areDue(this.settings.getMaxBatchSize());
	}

	private void process(List<StoreOperation> drained) {
		List<Insert> inserts = new ArrayList<>(drained.size());
		long now = System.nanoTime();
		for (StoreOperation operation : drained) {
			if (operation instanceof Insert insert) {
				this.queue.taken();
				if (insert.isDone()) {
					continue;
				}
				if (now - insert.deadlineNanos > 0) {
					insert.complete(this.committer.timedOut());
					continue;
				}
				inserts.add(insert);
			}
			else if (operation instanceof RowWrite write) {
				this.pendingWrites.hold(write);
			}
		}
		if (!this.availability.probe()) {
			JobStoreUnavailableException failure = this.availability.unavailable();
			inserts.forEach((insert) -> insert.complete(failure));
			return;
		}
		if (!inserts.isEmpty() || writesAreDue() || !this.running) {
			writePending(inserts);
		}
	}

	/** Commits the pending row writes (a bounded batch of them) together with the given inserts. */
	private void writePending(List<Insert> inserts) {
		int count = Math.min(this.pendingWrites.size(), Math.max(1, this.settings.getMaxBatchSize() - inserts.size()));
		write(this.pendingWrites.take(count), inserts);
	}

	private void write(List<RowWrite> deletes, List<Insert> inserts) {
		if (deletes.isEmpty() && inserts.isEmpty()) {
			return;
		}
		this.queue.inFlight(inserts);
		try {
			if (!this.inDoubt.resolve()) {
				this.pendingWrites.putBack(deletes);
				fail(inserts,
						this.availability.isAvailable() ? this.inDoubt.unresolved() : this.availability.unavailable());
				return;
			}
			List<Insert> committed;
			try {
				committed = this.committer.commit(deletes, inserts, false);
				this.pendingWrites.committed(deletes.size());
			}
			catch (OutcomeUnknownException ex) {
				failInDoubt(deletes, inserts, ex);
				return;
			}
			catch (SQLException | RuntimeException ex) {
				if (!this.availability.reachable()) {
					failBatch(deletes, inserts, ex);
					return;
				}
				// the database is fine, so a row was refused: a stale row with the same key, or bad data
				logger.debug("Batch of {} inserts refused, committing them one by one", inserts.size(), ex);
				commitOneByOne(deletes, inserts);
				return;
			}
			succeeded(committed);
		}
		finally {
			this.queue.inFlight(List.of());
		}
	}

	private void commitOneByOne(List<RowWrite> deletes, List<Insert> inserts) {
		try {
			this.committer.commit(deletes, List.of(), false);
			this.pendingWrites.committed(deletes.size());
		}
		catch (SQLException | RuntimeException ex) {
			// deletes whose outcome is unknown are simply deleted again: a job's row is deleted by its sequence
			failBatch(deletes, inserts, ex);
			return;
		}
		for (int i = 0; i < inserts.size(); i++) {
			Insert insert = inserts.get(i);
			if (insert.isDone()) {
				continue;
			}
			if (System.nanoTime() - insert.deadlineNanos > 0) {
				// its batch rolled back, so no row holds it: failing it keeps the answer and the database in line
				insert.complete(this.committer.timedOut());
				continue;
			}
			try {
				succeeded(this.committer.commitAlone(insert, this.membership.sharesRows()));
			}
			catch (OutcomeUnknownException ex) {
				failInDoubt(List.of(), List.of(insert), ex);
				fail(inserts.subList(i + 1, inserts.size()), this.availability.unavailable());
				return;
			}
			catch (SQLException | RuntimeException ex) {
				logger.warn("Job '{}' of function '{}' could not be stored: {}", insert.job.unique(),
						insert.job.function(), ex.getMessage());
				insert.complete(ex);
			}
		}
	}

	private void succeeded(List<Insert> inserts) {
		if (inserts.isEmpty()) {
			return;
		}
		this.committedBatches.incrementAndGet();
		this.committedInserts.addAndGet(inserts.size());
		this.membership.answerCommitted(inserts);
	}

	private void failBatch(List<RowWrite> deletes, List<Insert> inserts, Exception ex) {
		this.availability.markUnavailable(ex);
		fail(inserts, new JobStoreUnavailableException("the job store database is unavailable: " + ex.getMessage(),
				ex));
		this.pendingWrites.putBack(deletes);
	}

	/**
	 * The commit of these inserts failed, so they may be stored all the same: they are failed, and their rows are
	 * deleted before this writer commits anything else.
	 */
	private void failInDoubt(List<RowWrite> deletes, List<Insert> inserts, OutcomeUnknownException ex) {
		this.inDoubt.add(inserts, ex, this.membership.sharesRows());
		failBatch(deletes, inserts, ex);
	}

	private static void fail(List<Insert> inserts, Exception failure) {
		for (Insert insert : inserts) {
			insert.complete(failure);
		}
	}

}
