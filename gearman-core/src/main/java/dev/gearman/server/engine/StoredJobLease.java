package dev.gearman.server.engine;

import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing: whether this server may hand out its stored jobs. With a store that several servers share, a server owns
 * its stored jobs only while its lease in the database is proven by heartbeats; once the lease has run out, another
 * server takes them over. So a stored job is handed out only before the end of the proven ownership, checked by the
 * engine clock at each hand-out (a timer that fires late, or a pause of the whole process, cannot let one slip
 * through); after it, stored jobs wait in their queues, and hold up the jobs behind them, until the store proves
 * ownership again or {@link JobRegistry#disown hands them over}. Jobs that are not stored (foreground jobs) are
 * never held back. Until the store first proves it, ownership needs no proof (a store that is not shared never
 * does). Engine-thread only.
 */
final class StoredJobLease {

	private static final Logger logger = LoggerFactory.getLogger(StoredJobLease.class);

	private final EngineLoop loop;

	private final Runnable onResume;

	private boolean bounded;

	private long untilNanos;

	/** Whether the end of the proven ownership has passed (and was logged). */
	private boolean lapsed;

	private EngineLoop.@Nullable Timeout expiry;

	/**
	 * @param loop the engine loop, whose clock the lease is measured by
	 * @param onResume wakes the workers of jobs held back, when ownership is proven again
	 */
	StoredJobLease(EngineLoop loop, Runnable onResume) {
		this.loop = loop;
		this.onResume = onResume;
	}

	/** Whether a job may be handed out now. */
	boolean allows(Job job) {
		return job.persistence != Job.Persistence.STORED || isValid();
	}

	/** Whether ownership is proven now; the first check that finds it is not reports it (and resumes later). */
	boolean isValid() {
		if (!this.bounded || this.loop.clock().nanoTime() - this.untilNanos < 0) {
			return true;
		}
		lapse();
		return false;
	}

	/** Ownership is proven up to this time of the engine clock. */
	void extend(long untilNanos) {
		this.bounded = true;
		this.untilNanos = untilNanos;
		if (this.expiry != null) {
			this.expiry.cancel();
			this.expiry = null;
		}
		if (!isValid()) {
			return;
		}
		if (this.lapsed) {
			this.lapsed = false;
			logger.info("Ownership of the stored jobs proven again: handing them out");
			this.onResume.run();
		}
		armExpiry();
	}

	/** The check at each hand-out is what fences; this timer only reports the moment. */
	private void armExpiry() {
		long remaining = this.untilNanos - this.loop.clock().nanoTime();
		// rounded up: a timer that fires a little early finds the lease still valid, and waits again
		this.expiry = this.loop.schedule(TimeUnit.NANOSECONDS.toMillis(remaining) + 1, () -> {
			this.expiry = null;
			if (isValid()) {
				armExpiry();
			}
		});
	}

	private void lapse() {
		if (!this.lapsed) {
			this.lapsed = true;
			logger.warn("Ownership of the stored jobs not proven any more (no heartbeat reached the database in"
					+ " time): handing none of them out until it is");
		}
	}

}
