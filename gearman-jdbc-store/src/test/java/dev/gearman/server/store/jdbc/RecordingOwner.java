package dev.gearman.server.store.jdbc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.server.store.JobOwner;
import dev.gearman.server.store.StoredJob;

/**
 * A {@link JobOwner} that records what a store tells it, on the JVM's monotonic clock: the jobs it adopts (with
 * when), every end of proven ownership, and each hand-over.
 */
final class RecordingOwner implements JobOwner {

	final List<StoredJob> adopted = new CopyOnWriteArrayList<>();

	/** When the first batch was adopted, by {@link System#nanoTime()}; 0 until then. */
	volatile long firstAdoptNanos;

	/** The latest end of proven ownership; 0 until the store proved it. */
	volatile long ownedUntilNanos;

	final AtomicInteger handOvers = new AtomicInteger();

	volatile int storedJobs;

	@Override
	public void adopt(List<StoredJob> jobs) {
		if (this.firstAdoptNanos == 0) {
			this.firstAdoptNanos = System.nanoTime();
		}
		this.adopted.addAll(jobs);
	}

	@Override
	public void ownedUntil(long nanoTime) {
		this.ownedUntilNanos = nanoTime;
	}

	@Override
	public void handOver() {
		this.handOvers.incrementAndGet();
	}

	@Override
	public long nanoTime() {
		return System.nanoTime();
	}

	@Override
	public int storedJobs() {
		return this.storedJobs;
	}

	/** Whether ownership is proven now. */
	boolean owns() {
		return this.ownedUntilNanos != 0 && System.nanoTime() - this.ownedUntilNanos < 0;
	}

	List<String> adoptedUniques() {
		return this.adopted.stream().map(StoredJob::unique).toList();
	}

}
