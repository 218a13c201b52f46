package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.OwnedElsewhereException;
import dev.gearman.server.store.jdbc.StoreOperation.Delete;
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
 */
final class GroupCommitWriter {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommitWriter.class);

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final LinkedBlockingQueue<StoreOperation> queue = new LinkedBlockingQueue<>();

	private final AtomicInteger queuedInserts = new AtomicInteger();

	/**
	 * Row writes not committed yet; writer thread only. They wait up to {@link #ROW_WRITE_DELAY_NANOS} to ride along
	 * with the next inserts' commit (a finished job's row surviving a crash only means the job runs again, which
	 * the at-least-once contract allows, and so does a failed attempt or a move to the dead letters not recorded),
	 * and they wait here while the database is down.
	 */
	private final ArrayDeque<RowWrite> pendingWrites = new ArrayDeque<>();

	private static final long ROW_WRITE_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private long pendingWritesSinceNanos;

	/**
	 * Rows of failed inserts whose transaction may have committed all the same (the commit's answer was lost);
	 * writer thread only. They are deleted before anything else is committed.
	 */
	private final List<Delete> inDoubtRows = new ArrayList<>();

	/** PostgreSQL's ids of those transactions, to wait until the server has decided their outcome. */
	private final List<Long> inDoubtTransactions = new ArrayList<>();

	private long lastResolveNanos;

	private final Thread writer;

	private final Thread watchdog;

	private final AtomicLong committedBatches = new AtomicLong();

	private final AtomicLong committedInserts = new AtomicLong();

	/** Row writes queued since start, and those committed: they commit in the order they were queued. */
	private final AtomicLong rowWritesQueued = new AtomicLong();

	private final Object rowWritesProgress = new Object();

	private long rowWritesCommitted;

	private volatile boolean running = true;

	/** The inserts the writer drained; the watchdog fails those past their deadline that no transaction took. */
	private volatile List<Insert> inFlight = List.of();

	/** Counts the transactions begun; the one running now if {@link #inTransaction}. */
	private volatile long transactions;

	private volatile boolean inTransaction;

	private volatile long transactionSinceNanos;

	private final BatchReporter reporter = new BatchReporter();

	private final int capacity;

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
		this.dataSource = dataSource;
		this.membership = membership;
		this.availability = availability;
		this.settings = settings;
		this.capacity = capacity;
		this.writer = new Thread(this::writeLoop, "gearman-store-writer-" + name);
		this.watchdog = new Thread(this::watchLoop, "gearman-store-watchdog-" + name);
		this.writer.setDaemon(true);
		this.watchdog.setDaemon(true);
	}

	void setListener(JobStoreListener listener) {
		this.reporter.setListener(listener);
	}

	void start() {
		this.writer.start();
		this.watchdog.start();
	}

	int queuedInserts() {
		return this.queuedInserts.get();
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
		if (this.queuedInserts.incrementAndGet() > this.capacity) {
			this.queuedInserts.decrementAndGet();
			insert.complete(new JobStoreUnavailableException("the job store's write queue is full ("
					+ this.capacity + " jobs for this writer)"));
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
		this.rowWritesQueued.incrementAndGet();
		this.queue.add(write);
	}

	/**
	 * Waits until the row writes queued so far are committed (the writer commits them with its next transaction, or
	 * within the row-write delay).
	 * @param timeoutNanos the longest wait
	 * @return whether they were committed in time
	 */
	boolean awaitRowWrites(long timeoutNanos) throws InterruptedException {
		long target = this.rowWritesQueued.get();
		long deadline = System.nanoTime() + timeoutNanos;
		synchronized (this.rowWritesProgress) {
			while (this.rowWritesCommitted < target) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || !this.writer.isAlive()) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.rowWritesProgress, left);
			}
		}
		return true;
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
		this.watchdog.interrupt();
		for (StoreOperation operation : this.queue) {
			if (operation instanceof Insert insert) {
				insert.expire(new JobStoreUnavailableException("the job store was closed"));
			}
		}
		if (this.writer.isAlive()) {
			return;
		}
		if (!this.pendingWrites.isEmpty()) {
			logger.warn("{} writes of finished or failed jobs could not be made in the store; those jobs run again"
					+ " after a restart", this.pendingWrites.size());
		}
		if (!this.inDoubtRows.isEmpty()) {
			logger.warn("{} jobs whose clients got QUEUE_ERROR may have been stored all the same (the answer to their"
					+ " commit was lost); they run after a restart", this.inDoubtRows.size());
		}
	}

	private void writeLoop() {
		List<StoreOperation> drained = new ArrayList<>();
		while (this.running || !this.queue.isEmpty()
				|| (!this.pendingWrites.isEmpty() && this.availability.isAvailable())) {
			try {
				StoreOperation first = this.queue.poll(pollNanos(), TimeUnit.NANOSECONDS);
				if (first == null) {
					if (!this.availability.isAvailable()) {
						// once it answers, rows in doubt go first, then the deletes kept meanwhile
						this.availability.probe();
					}
					else if (!this.inDoubtRows.isEmpty()) {
						resolveInDoubt();
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
		if (!this.inDoubtRows.isEmpty() && this.availability.isAvailable()) {
			this.lastResolveNanos = System.nanoTime() - this.settings.getRetryInterval().toNanos();
			resolveInDoubt();
		}
	}

	private long pollNanos() {
		long retry = this.settings.getRetryInterval().toNanos();
		if (!this.availability.isAvailable()) {
			return retry;
		}
		if (!this.inDoubtRows.isEmpty()) {
			return Math.max(0, this.lastResolveNanos + retry - System.nanoTime());
		}
		if (this.pendingWrites.isEmpty()) {
			return retry;
		}
		return Math.max(0, this.pendingWritesSinceNanos + ROW_WRITE_DELAY_NANOS - System.nanoTime());
	}

	private boolean writesAreDue() {
		return System.nanoTime() - this.pendingWritesSinceNanos >= ROW_WRITE_DELAY_NANOS
				|| this.pendingWrites.size() >= this.settings.getMaxBatchSize();
	}

	private void process(List<StoreOperation> drained) {
		List<Insert> inserts = new ArrayList<>(drained.size());
		long now = System.nanoTime();
		for (StoreOperation operation : drained) {
			if (operation instanceof Insert insert) {
				this.queuedInserts.decrementAndGet();
				if (insert.isDone()) {
					continue;
				}
				if (now - insert.deadlineNanos > 0) {
					insert.complete(timedOut());
					continue;
				}
				inserts.add(insert);
			}
			else if (operation instanceof RowWrite write) {
				holdWrite(write);
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

	private void holdWrite(RowWrite write) {
		if (this.pendingWrites.isEmpty()) {
			this.pendingWritesSinceNanos = System.nanoTime();
		}
		if (write instanceof StoreOperation.RetryLater || write instanceof StoreOperation.Bury
				|| write instanceof StoreOperation.Pause) {
			// a failed attempt, a move to the dead letters or a pause is state a restart must find: commit it now
			// rather than let it wait for the next inserts (a lost delete only runs a finished job again)
			this.pendingWritesSinceNanos = System.nanoTime() - ROW_WRITE_DELAY_NANOS;
		}
		this.pendingWrites.add(write);
	}

	/** Commits the pending row writes (a bounded batch of them) together with the given inserts. */
	private void writePending(List<Insert> inserts) {
		int count = Math.min(this.pendingWrites.size(), Math.max(1, this.settings.getMaxBatchSize() - inserts.size()));
		List<RowWrite> deletes = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			deletes.add(this.pendingWrites.poll());
		}
		if (!this.pendingWrites.isEmpty()) {
			this.pendingWritesSinceNanos = System.nanoTime() - ROW_WRITE_DELAY_NANOS;
		}
		write(deletes, inserts);
	}

	private void write(List<RowWrite> deletes, List<Insert> inserts) {
		if (deletes.isEmpty() && inserts.isEmpty()) {
			return;
		}
		this.inFlight = inserts;
		try {
			if (!resolveInDoubt()) {
				keepWrites(deletes);
				fail(inserts, this.availability.isAvailable() ? inDoubtUnresolved() : this.availability.unavailable());
				return;
			}
			List<Insert> committed;
			try {
				committed = commit(deletes, inserts, false);
				rowWritesCommitted(deletes.size());
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
			this.inFlight = List.of();
		}
	}

	private void commitOneByOne(List<RowWrite> deletes, List<Insert> inserts) {
		try {
			commit(deletes, List.of(), false);
			rowWritesCommitted(deletes.size());
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
				insert.complete(timedOut());
				continue;
			}
			try {
				commitAlone(insert);
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

	/**
	 * Commits an insert whose batch met a row under one of its keys. Where one server has the database alone, such
	 * a row can only be stale (the engine never has two live jobs with one key) and is replaced. On a shared
	 * database it is a job another server stored (or one this server took over, not adopted yet): the submission
	 * joins it, and its client gets that job's handle.
	 */
	private void commitAlone(Insert insert) throws SQLException {
		if (!this.membership.sharesRows()) {
			succeeded(commit(List.of(), List.of(insert), true));
			return;
		}
		if (joinedStoredJob(insert)) {
			return;
		}
		try {
			succeeded(commit(List.of(), List.of(insert), false));
		}
		catch (OutcomeUnknownException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			// another server stored the key meanwhile
			if (!joinedStoredJob(insert)) {
				throw ex;
			}
		}
	}

	private boolean joinedStoredJob(Insert insert) throws SQLException {
		QueueTransaction.StoredHandle stored;
		Connection connection = this.dataSource.getConnection();
		try {
			stored = QueueTransaction.storedUnder(connection, this.settings, insert.job.function(), insert.job.unique());
		}
		finally {
			close(connection);
		}
		if (stored == null) {
			return false;
		}
		logger.debug("Job '{}' of function '{}' is stored already as {}: the submission joins it", insert.job.unique(),
				insert.job.function(), stored.handle());
		insert.complete(new OwnedElsewhereException("a job with this function and unique id is stored already",
				stored.handle()));
		return true;
	}

	/**
	 * Runs one transaction on a connection of its own. The inserts are taken into the transaction once the
	 * connection is there; those whose deadline passed before are failed instead.
	 * @return the inserts the transaction committed
	 * @throws OutcomeUnknownException if the commit failed, so the transaction may have committed all the same
	 * @throws SQLException if the transaction failed and did not commit
	 */
	private List<Insert> commit(List<? extends RowWrite> deletes, List<Insert> inserts, boolean replaceExisting)
			throws SQLException {
		long startNanos = System.nanoTime();
		long failuresAtStart = this.availability.failures();
		List<Insert> claimed;
		try {
			Connection connection = this.dataSource.getConnection();
			try {
				claimed = claim(inserts);
				if (deletes.isEmpty() && claimed.isEmpty()) {
					return claimed;
				}
				this.transactionSinceNanos = System.nanoTime();
				this.transactions++;
				this.inTransaction = true;
				QueueTransaction.commit(connection, this.settings, deletes, claimed, replaceExisting);
			}
			finally {
				this.inTransaction = false;
				close(connection);
			}
		}
		catch (SQLException | RuntimeException ex) {
			this.reporter.failed(deletes.size(), inserts.size(), ex);
			throw ex;
		}
		this.reporter.committed(deletes.size(), claimed.size(), System.nanoTime() - startNanos);
		this.availability.committed(failuresAtStart);
		return claimed;
	}

	/** Counts queued row writes as committed, for {@link #awaitRowWrites}. */
	private void rowWritesCommitted(int count) {
		if (count > 0) {
			synchronized (this.rowWritesProgress) {
				this.rowWritesCommitted += count;
				this.rowWritesProgress.notifyAll();
			}
		}
	}

	private List<Insert> claim(List<Insert> inserts) {
		long now = System.nanoTime();
		List<Insert> claimed = new ArrayList<>(inserts.size());
		for (Insert insert : inserts) {
			if (now - insert.deadlineNanos > 0) {
				insert.expire(timedOut());
			}
			if (insert.claim()) {
				claimed.add(insert);
			}
		}
		return claimed;
	}

	/** Closes a connection after its transaction ended: a failure to close changes nothing about the outcome. */
	private static void close(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Closing a job store connection failed", ex);
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
		keepWrites(deletes);
	}

	/**
	 * The commit of these inserts failed, so they may be stored all the same: they are failed, and their rows are
	 * deleted before this writer commits anything else.
	 */
	private void failInDoubt(List<RowWrite> deletes, List<Insert> inserts, OutcomeUnknownException ex) {
		for (Insert insert : inserts) {
			if (!insert.isDone()) {
				this.inDoubtRows.add(insert.row(this.membership.sharesRows()));
			}
		}
		if (ex.transactionId() != null) {
			this.inDoubtTransactions.add(ex.transactionId());
		}
		// the first attempt may go as soon as the database answers
		this.lastResolveNanos = System.nanoTime() - this.settings.getRetryInterval().toNanos();
		logger.debug("The answer to a commit of {} jobs was lost; their rows are deleted once the database answers",
				this.inDoubtRows.size(), ex);
		failBatch(deletes, inserts, ex);
	}

	/**
	 * Deletes the rows of inserts whose commit's answer was lost, at most once per retry interval.
	 * @return whether no such row is left, so this writer may commit
	 */
	private boolean resolveInDoubt() {
		if (this.inDoubtRows.isEmpty()) {
			return true;
		}
		long now = System.nanoTime();
		if (now - this.lastResolveNanos < this.settings.getRetryInterval().toNanos()) {
			return false;
		}
		this.lastResolveNanos = now;
		try {
			if (stillUndecided()) {
				// not a database failure: this writer's keys wait, the rest of the store goes on
				logger.debug("A commit whose answer was lost is still undecided on the database");
				return false;
			}
			commit(List.copyOf(this.inDoubtRows), List.of(), false);
		}
		catch (SQLException | RuntimeException ex) {
			this.availability.markUnavailable(ex);
			return false;
		}
		logger.info("Deleted the rows of {} jobs whose commit's answer was lost (their clients got QUEUE_ERROR)",
				this.inDoubtRows.size());
		this.inDoubtRows.clear();
		this.inDoubtTransactions.clear();
		return true;
	}

	private boolean stillUndecided() throws SQLException {
		if (this.inDoubtTransactions.isEmpty()) {
			return false;
		}
		Connection connection = this.dataSource.getConnection();
		try {
			return QueueTransaction.stillRunning(connection, this.settings, this.inDoubtTransactions);
		}
		finally {
			close(connection);
		}
	}

	private JobStoreUnavailableException inDoubtUnresolved() {
		return new JobStoreUnavailableException("the outcome of an earlier commit is still undecided on the database");
	}

	private static void fail(List<Insert> inserts, Exception failure) {
		for (Insert insert : inserts) {
			insert.complete(failure);
		}
	}

	/** Puts row writes back at the head of the pending ones, in their order, for the next commit. */
	private void keepWrites(List<RowWrite> deletes) {
		for (int i = deletes.size() - 1; i >= 0; i--) {
			this.pendingWrites.addFirst(deletes.get(i));
		}
	}

	private JobStoreUnavailableException timedOut() {
		return new JobStoreUnavailableException("the job store did not take the job into a transaction within "
				+ this.settings.getTimeout().toMillis() + " ms");
	}

	/**
	 * Fails inserts past their deadline that no transaction took, queued or drained by a writer that waits for a
	 * connection, and turns the store unavailable when the writer does not keep up or a transaction runs longer
	 * than the timeout. An insert in a transaction is left to that transaction's outcome.
	 */
	private void watchLoop() {
		long period = Math.min(250, Math.max(10, this.settings.getTimeout().toMillis() / 4));
		long reportedTransaction = -1;
		while (this.writer.isAlive()) {
			try {
				Thread.sleep(period);
			}
			catch (InterruptedException ex) {
				return;
			}
			long now = System.nanoTime();
			long transaction = this.transactions;
			if (this.inTransaction && transaction != reportedTransaction
					&& now - this.transactionSinceNanos > this.settings.getTimeout().toNanos()) {
				reportedTransaction = transaction;
				this.availability.markUnavailable(new SQLException("a transaction has been running for more than "
						+ this.settings.getTimeout().toMillis() + " ms"));
			}
			int expired = 0;
			for (Insert insert : this.inFlight) {
				if (now - insert.deadlineNanos > 0 && insert.isWaiting()) {
					expired += expireAfterMarkingUnavailable(insert, expired);
				}
			}
			// the queue is in deadline order (one timeout for all), so stop at the first live insert
			for (StoreOperation operation : this.queue) {
				if (operation instanceof Insert insert && insert.isWaiting()) {
					if (now - insert.deadlineNanos <= 0) {
						break;
					}
					expired += expireAfterMarkingUnavailable(insert, expired);
				}
			}
		}
	}

	/**
	 * Fails an insert past its deadline unless a transaction took it. Before the first one, the store turns
	 * unavailable: whoever sees the failure also sees the store down, and new submissions fail at once until the
	 * writer commits or probes again.
	 * @return 1 if this call failed the insert
	 */
	private int expireAfterMarkingUnavailable(Insert insert, int expiredSoFar) {
		if (expiredSoFar == 0) {
			this.availability.markUnavailable(new SQLException("jobs waited more than "
					+ this.settings.getTimeout().toMillis() + " ms for the writer"));
		}
		return insert.expire(timedOut()) ? 1 : 0;
	}

}
