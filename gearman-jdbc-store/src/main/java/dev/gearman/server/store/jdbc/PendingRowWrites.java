package dev.gearman.server.store.jdbc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.gearman.server.store.jdbc.StoreOperation.RowWrite;

/**
 * The row writes (deletes, failed attempts, moves to the dead letters, pauses) the {@link GroupCommitWriter} took
 * from its queue and has not committed yet, in the order they were queued; writer thread only. They wait up to
 * {@link #DELAY_NANOS} to ride along with the next inserts' commit (a finished job's row surviving a crash only
 * means the job runs again, which the at-least-once contract allows), and they wait here while the database is
 * down. Also owns the count of row writes queued and committed since start, which any thread may wait on.
 */
final class PendingRowWrites {

	private static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

	private final ArrayDeque<RowWrite> writes = new ArrayDeque<>();

	private long sinceNanos;

	/** Row writes queued since start, and those committed: they commit in the order they were queued. */
	private final AtomicLong queued = new AtomicLong();

	private final Object progress = new Object();

	private long committed;

	boolean isEmpty() {
		return this.writes.isEmpty();
	}

	int size() {
		return this.writes.size();
	}

	/** Counts a row write handed to the writer's queue; any thread. */
	void queued() {
		this.queued.incrementAndGet();
	}

	/** Keeps a row write the writer took from its queue until it is due. */
	void hold(RowWrite write) {
		if (this.writes.isEmpty()) {
			this.sinceNanos = System.nanoTime();
		}
		if (write instanceof StoreOperation.RetryLater || write instanceof StoreOperation.Bury
				|| write instanceof StoreOperation.Pause) {
			// a failed attempt, a move to the dead letters or a pause is state a restart must find: commit it now
			// rather than let it wait for the next inserts (a lost delete only runs a finished job again)
			this.sinceNanos = System.nanoTime() - DELAY_NANOS;
		}
		this.writes.add(write);
	}

	/** Whether the writes waited long enough, or are enough for a batch, to be committed without inserts. */
	boolean areDue(int maxBatchSize) {
		return System.nanoTime() - this.sinceNanos >= DELAY_NANOS || this.writes.size() >= maxBatchSize;
	}

	/** How long the writer may wait for inserts before the writes are due. */
	long nanosUntilDue() {
		return Math.max(0, this.sinceNanos + DELAY_NANOS - System.nanoTime());
	}

	/** Takes the oldest writes for one transaction; those left are due at once. */
	List<RowWrite> take(int count) {
		List<RowWrite> batch = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			batch.add(this.writes.poll());
		}
		if (!this.writes.isEmpty()) {
			this.sinceNanos = System.nanoTime() - DELAY_NANOS;
		}
		return batch;
	}

	/** Puts writes whose transaction failed back at the head, in their order, for the next commit. */
	void putBack(List<RowWrite> batch) {
		for (int i = batch.size() - 1; i >= 0; i--) {
			this.writes.addFirst(batch.get(i));
		}
	}

	/** Counts taken writes as committed, for {@link #await}. */
	void committed(int count) {
		if (count > 0) {
			synchronized (this.progress) {
				this.committed += count;
				this.progress.notifyAll();
			}
		}
	}

	/**
	 * Waits until the row writes queued so far are committed.
	 * @param timeoutNanos the longest wait
	 * @param writerAlive whether the writer still runs: once it stopped, nothing more commits
	 * @return whether they were committed in time
	 */
	boolean await(long timeoutNanos, BooleanSupplier writerAlive) throws InterruptedException {
		long target = this.queued.get();
		long deadline = System.nanoTime() + timeoutNanos;
		synchronized (this.progress) {
			while (this.committed < target) {
				long left = deadline - System.nanoTime();
				if (left <= 0 || !writerAlive.getAsBoolean()) {
					return false;
				}
				TimeUnit.NANOSECONDS.timedWait(this.progress, left);
			}
		}
		return true;
	}

}
