package dev.gearman.server.store.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.server.store.jdbc.StoreOperation.Insert;
import org.jspecify.annotations.Nullable;

/**
 * The writes waiting for the {@link GroupCommitWriter}: its queue, bounded in inserts (row writes are not refused:
 * each is owed by a job this server already holds), and the inserts the writer drained and has not taken into a
 * transaction yet. Any thread adds; the writer thread takes; the {@link WriterWatchdog} reads both to fail the
 * inserts past their deadline.
 */
final class WriteQueue {

	private final LinkedBlockingQueue<StoreOperation> queue = new LinkedBlockingQueue<>();

	private final AtomicInteger queuedInserts = new AtomicInteger();

	private final int capacity;

	/** The inserts the writer drained; the watchdog fails those past their deadline that no transaction took. */
	private volatile List<Insert> inFlight = List.of();

	/** @param capacity the inserts that may wait */
	WriteQueue(int capacity) {
		this.capacity = capacity;
	}

	int queuedInserts() {
		return this.queuedInserts.get();
	}

	boolean isEmpty() {
		return this.queue.isEmpty();
	}

	/** Queues an insert, or fails it at once if the queue is full. */
	void add(Insert insert) {
		if (this.queuedInserts.incrementAndGet() > this.capacity) {
			this.queuedInserts.decrementAndGet();
			insert.complete(new JobStoreUnavailableException("the job store's write queue is full ("
					+ this.capacity + " jobs for this writer)"));
			return;
		}
		this.queue.add(insert);
	}

	/** Queues a row write, or a wake-up. */
	void add(StoreOperation operation) {
		this.queue.add(operation);
	}

	/** Waits for the first operation; writer thread. */
	@Nullable StoreOperation poll(long nanos) throws InterruptedException {
		return this.queue.poll(nanos, TimeUnit.NANOSECONDS);
	}

	/** Takes what else is queued, up to a batch; writer thread. */
	void drainTo(List<StoreOperation> drained, int max) {
		this.queue.drainTo(drained, max);
	}

	/** The writer took an insert out of the queue, so it no longer counts against the bound. */
	void taken() {
		this.queuedInserts.decrementAndGet();
	}

	/** The inserts the writer works on until they are in a transaction; empty between batches. */
	void inFlight(List<Insert> inserts) {
		this.inFlight = inserts;
	}

	/**
	 * The inserts past their deadline that nothing took or answered yet: the writer's and the queued ones. The
	 * queue is in deadline order (one timeout for all), so it is read up to the first live insert.
	 */
	List<Insert> overdue(long nowNanos) {
		List<Insert> overdue = new ArrayList<>();
		for (Insert insert : this.inFlight) {
			if (nowNanos - insert.deadlineNanos > 0 && insert.isWaiting()) {
				overdue.add(insert);
			}
		}
		for (StoreOperation operation : this.queue) {
			if (operation instanceof Insert insert && insert.isWaiting()) {
				if (nowNanos - insert.deadlineNanos <= 0) {
					break;
				}
				overdue.add(insert);
			}
		}
		return overdue;
	}

	/** Fails every queued insert, when the store closes. */
	void expireAll(Exception failure) {
		for (StoreOperation operation : this.queue) {
			if (operation instanceof Insert insert) {
				insert.expire(failure);
			}
		}
	}

}
