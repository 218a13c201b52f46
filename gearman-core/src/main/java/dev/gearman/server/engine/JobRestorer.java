package dev.gearman.server.engine;

import java.util.concurrent.CompletableFuture;

import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.server.store.StoredJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-creates jobs from what the store holds: rows replayed at start (or later, as room frees up), rows taken over
 * from another server sharing the store, and dead letters an operator requeues. Owns no state of its own: it
 * builds the job, has {@link JobRegistry} enter it in its tables, and puts it where it waits. Engine-thread only.
 */
final class JobRestorer {

	private static final Logger logger = LoggerFactory.getLogger(JobRestorer.class);

	private final JobRegistry registry;

	private final JobNumbers numbers;

	private final StoreWrites rows;

	private final WaitingJobs waiting;

	JobRestorer(JobRegistry registry, JobNumbers numbers, StoreWrites rows, WaitingJobs waiting) {
		this.registry = registry;
		this.numbers = numbers;
		this.rows = rows;
		this.waiting = waiting;
	}

	/**
	 * Numbers the jobs created from now on after every stored one, including those the store still holds and that
	 * are loaded later ({@link ReplayBacklog}).
	 */
	void numberAfter(long lastStoredSequence) {
		this.numbers.after(lastStoredSequence);
	}

	/** Re-creates a job read from the store, at startup or later, under a new handle. */
	void replay(StoredJob stored, JobFunction function) {
		if (this.registry.coalescable(function, uniqueOf(stored), stored.data()) != null) {
			logger.warn("Skipping stored job '{}' of function '{}': its unique id is already in use",
					stored.unique(), stored.function());
			return;
		}
		restore(stored, function, this.numbers.nextHandle());
	}

	/**
	 * Re-creates a job that another server stored and this one took over. It keeps its handle, which its clients
	 * know, unless this server uses it already. A job whose unique id a live job here holds runs on its own: it was
	 * acknowledged, so it must run, and new submissions keep joining the live one.
	 */
	void adopt(StoredJob stored, JobFunction function) {
		String handle = stored.handle();
		restore(stored, function,
				(handle != null && !this.registry.holds(handle)) ? handle : this.numbers.nextHandle());
	}

	/** A stored job's unique id: none for a key the store generated (the job was submitted without one). */
	private static String uniqueOf(StoredJob stored) {
		return stored.unique().startsWith(StoreWrites.GENERATED_KEY_PREFIX) ? "" : stored.unique();
	}

	private void restore(StoredJob stored, JobFunction function, String handle) {
		String unique = uniqueOf(stored);
		this.numbers.after(stored.sequence());
		Job job = new Job(stored.sequence(), handle, function, unique, stored.data(), Priority.of(stored.priority()),
				true, stored.whenToRun(), null);
		job.storeKey = stored.unique();
		this.rows.restored(job);
		job.attempts = stored.attempts();
		job.lastError = stored.lastError();
		this.registry.enter(job, stored.data().length,
				this.registry.coalescable(function, unique, stored.data()) == null);
		if (job.attempts > 0 && this.waiting.isScheduledLater(job)) {
			// it failed before the restart and waits for its next attempt
			this.waiting.waitForRetry(job);
		}
		else {
			this.waiting.place(job);
		}
		this.registry.history().record(job, JobEvent.Type.RESTORED);
	}

	/**
	 * Moves a dead letter back into its queue as a new job with a fresh attempt count, keeping its unique id (so a
	 * submission with that id joins it), payload and priority. Like a new submission the job holds its place in its
	 * queue while the store moves its row, and runs once the store has answered. The caller checked that no live
	 * job has its unique id and that the queue has room.
	 * @param done completed with the new job's handle, or with why the letter could not be moved
	 */
	void restore(JobFunction function, StoredDeadLetter letter, CompletableFuture<String> done) {
		boolean generated = letter.unique().startsWith(StoreWrites.GENERATED_KEY_PREFIX);
		Job job = this.registry.create(function, generated ? "" : letter.unique(), letter.data(), null,
				Priority.of(letter.priority()), true, 0, null);
		job.storeKey = letter.unique();
		this.waiting.holdPlaceWhileStoring(job);
		this.rows.restore(job, letter, done);
	}

}
