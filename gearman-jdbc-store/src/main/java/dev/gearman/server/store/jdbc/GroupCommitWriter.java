package dev.gearman.server.store.jdbc;

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
import dev.gearman.server.store.jdbc.StoreOperation.Delete;
import dev.gearman.server.store.jdbc.StoreOperation.Insert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes {@code gearman_queue}: it drains whatever inserts and deletes piled up while the
 * previous transaction ran and commits them together (group commit), so throughput does not pay one commit per
 * job. An insert's callback runs only after its transaction committed.
 * <p>
 * When the database fails, the store turns unavailable: new inserts fail at once, deletes are kept for later, and
 * the writer probes the database every retry interval until it answers again. A watchdog fails inserts whose
 * deadline passed even while the writer hangs in a JDBC call, so no client ever waits without limit.
 */
final class GroupCommitWriter {

	private static final Logger logger = LoggerFactory.getLogger(GroupCommitWriter.class);

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final LinkedBlockingQueue<StoreOperation> queue = new LinkedBlockingQueue<>();

	private final AtomicInteger queuedInserts = new AtomicInteger();

	/**
	 * Deletes not committed yet; writer thread only. They wait up to {@link #DELETE_DELAY_NANOS} to ride along with
	 * the next inserts' commit (a finished job's row surviving a crash only means the job runs again, which the
	 * at-least-once contract allows), and they wait here while the database is down.
	 */
	private final ArrayDeque<Delete> pendingDeletes = new ArrayDeque<>();

	private static final long DELETE_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private long pendingDeletesSinceNanos;

	private final Thread writer;

	private final Thread watchdog;

	private final AtomicLong committedBatches = new AtomicLong();

	private final AtomicLong committedInserts = new AtomicLong();

	private volatile boolean running = true;

	private volatile List<Insert> inFlight = List.of();

	private volatile long inFlightSinceNanos;

	private final BatchReporter reporter = new BatchReporter();

	private final int capacity;

	private final StoreAvailability availability;

	/**
	 * Creates a writer; {@link #start()} starts its threads.
	 * @param dataSource the database
	 * @param settings the tuning
	 * @param availability the store's availability, shared with its other writers
	 * @param name the suffix of the thread names
	 * @param capacity the inserts that may wait for this writer
	 */
	GroupCommitWriter(DataSource dataSource, JdbcJobStoreSettings settings, StoreAvailability availability,
			String name, int capacity) {
		this.dataSource = dataSource;
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

	void delete(Delete delete) {
		if (!this.running) {
			logger.debug("Store closed: the row of job '{}' of '{}' stays and runs again after a restart",
					delete.unique(), delete.function());
			return;
		}
		this.queue.add(delete);
	}

	/** Stops taking writes and wakes the writer to commit what is queued; {@link #close()} waits for it. */
	void stopTaking() {
		this.running = false;
		this.queue.add(StoreOperation.Wake.INSTANCE);
	}

	/** Stops taking writes, commits what is queued (bounded by the timeout) and stops the threads. */
	void close() {
		stopTaking();
		try {
			this.writer.join(2 * this.settings.getTimeout().toMillis() + 1000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.watchdog.interrupt();
		for (StoreOperation operation : this.queue) {
			if (operation instanceof Insert insert) {
				insert.complete(new JobStoreUnavailableException("the job store was closed"));
			}
		}
		if (!this.pendingDeletes.isEmpty() && !this.writer.isAlive()) {
			logger.warn("{} finished jobs could not be deleted from the store; they run again after a restart",
					this.pendingDeletes.size());
		}
	}

	private void writeLoop() {
		List<StoreOperation> drained = new ArrayList<>();
		while (this.running || !this.queue.isEmpty()
				|| (!this.pendingDeletes.isEmpty() && this.availability.isAvailable())) {
			try {
				StoreOperation first = this.queue.poll(pollNanos(), TimeUnit.NANOSECONDS);
				if (first == null) {
					if (!this.availability.isAvailable()) {
						// once it answers, the deletes kept meanwhile go out with the next commit
						this.availability.probe();
					}
					else if (!this.pendingDeletes.isEmpty() && (deletesAreDue() || !this.running)) {
						writePendingDeletes(List.of());
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
	}

	private long pollNanos() {
		if (this.pendingDeletes.isEmpty() || !this.availability.isAvailable()) {
			return this.settings.getRetryInterval().toNanos();
		}
		return Math.max(0, this.pendingDeletesSinceNanos + DELETE_DELAY_NANOS - System.nanoTime());
	}

	private boolean deletesAreDue() {
		return System.nanoTime() - this.pendingDeletesSinceNanos >= DELETE_DELAY_NANOS
				|| this.pendingDeletes.size() >= this.settings.getMaxBatchSize();
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
			else if (operation instanceof Delete delete) {
				holdDelete(delete);
			}
		}
		if (!this.availability.probe()) {
			JobStoreUnavailableException failure = this.availability.unavailable();
			inserts.forEach((insert) -> insert.complete(failure));
			return;
		}
		if (!inserts.isEmpty() || deletesAreDue() || !this.running) {
			writePendingDeletes(inserts);
		}
	}

	private void holdDelete(Delete delete) {
		if (this.pendingDeletes.isEmpty()) {
			this.pendingDeletesSinceNanos = System.nanoTime();
		}
		this.pendingDeletes.add(delete);
	}

	/** Commits the pending deletes (a bounded batch of them) together with the given inserts. */
	private void writePendingDeletes(List<Insert> inserts) {
		int count = Math.min(this.pendingDeletes.size(), Math.max(1, this.settings.getMaxBatchSize() - inserts.size()));
		List<Delete> deletes = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			deletes.add(this.pendingDeletes.poll());
		}
		if (!this.pendingDeletes.isEmpty()) {
			this.pendingDeletesSinceNanos = System.nanoTime() - DELETE_DELAY_NANOS;
		}
		write(deletes, inserts);
	}

	private void write(List<Delete> deletes, List<Insert> inserts) {
		if (deletes.isEmpty() && inserts.isEmpty()) {
			return;
		}
		this.inFlightSinceNanos = System.nanoTime();
		this.inFlight = inserts;
		try {
			try {
				commit(deletes, inserts, false);
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
			succeeded(inserts);
		}
		finally {
			this.inFlight = List.of();
		}
	}

	private void commitOneByOne(List<Delete> deletes, List<Insert> inserts) {
		try {
			commit(deletes, List.of(), false);
		}
		catch (SQLException | RuntimeException ex) {
			failBatch(deletes, inserts, ex);
			return;
		}
		for (Insert insert : inserts) {
			try {
				// a row under the same key can only be stale: the engine never has two live jobs with one key
				commit(List.of(), List.of(insert), true);
				succeeded(List.of(insert));
			}
			catch (SQLException | RuntimeException ex) {
				logger.warn("Job '{}' of function '{}' could not be stored: {}", insert.job.unique(),
						insert.job.function(), ex.getMessage());
				insert.complete(ex);
			}
		}
	}

	private void commit(List<Delete> deletes, List<Insert> inserts, boolean replaceExisting) throws SQLException {
		int queryTimeout = (int) Math.max(1, this.settings.getTimeout().toSeconds());
		long startNanos = System.nanoTime();
		long failuresAtStart = this.availability.failures();
		try {
			QueueTransaction.commit(this.dataSource, queryTimeout, deletes, inserts, replaceExisting);
		}
		catch (SQLException | RuntimeException ex) {
			this.reporter.failed(deletes.size(), inserts.size(), ex);
			throw ex;
		}
		this.reporter.committed(deletes.size(), inserts.size(), System.nanoTime() - startNanos);
		this.availability.committed(failuresAtStart);
	}

	private void succeeded(List<Insert> inserts) {
		this.committedBatches.incrementAndGet();
		this.committedInserts.addAndGet(inserts.size());
		for (Insert insert : inserts) {
			insert.complete(null);
		}
	}

	private void failBatch(List<Delete> deletes, List<Insert> inserts, Exception ex) {
		this.availability.markUnavailable(ex);
		JobStoreUnavailableException failure = new JobStoreUnavailableException(
				"the job store database is unavailable: " + ex.getMessage(), ex);
		for (Insert insert : inserts) {
			insert.complete(failure);
		}
		for (int i = deletes.size() - 1; i >= 0; i--) {
			this.pendingDeletes.addFirst(deletes.get(i));
		}
	}

	private JobStoreUnavailableException timedOut() {
		return new JobStoreUnavailableException("the job store did not commit within "
				+ this.settings.getTimeout().toMillis() + " ms");
	}

	/** Fails inserts past their deadline, queued or stuck in a hanging transaction. */
	private void watchLoop() {
		long period = Math.min(250, Math.max(10, this.settings.getTimeout().toMillis() / 4));
		while (this.writer.isAlive()) {
			try {
				Thread.sleep(period);
			}
			catch (InterruptedException ex) {
				return;
			}
			long now = System.nanoTime();
			List<Insert> stuck = this.inFlight;
			if (!stuck.isEmpty() && now - this.inFlightSinceNanos > this.settings.getTimeout().toNanos()
					&& stuck.stream().anyMatch((insert) -> !insert.isDone())) {
				// unavailable before the clients hear of it: whoever sees the failure also sees the store down
				this.availability.markUnavailable(new SQLException("a transaction has been running for more than "
						+ this.settings.getTimeout().toMillis() + " ms"));
				for (Insert insert : stuck) {
					insert.complete(timedOut());
				}
			}
			// the queue is in deadline order (one timeout for all), so stop at the first live insert
			int expired = 0;
			for (StoreOperation operation : this.queue) {
				if (operation instanceof Insert insert && !insert.isDone()) {
					if (now - insert.deadlineNanos <= 0) {
						break;
					}
					expired += insert.complete(timedOut()) ? 1 : 0;
				}
			}
			if (expired > 0) {
				// the writer does not keep up: fail new submissions at once until it commits or probes again
				this.availability.markUnavailable(new SQLException(expired + " jobs waited more than "
						+ this.settings.getTimeout().toMillis() + " ms for the writer"));
			}
		}
	}

}
