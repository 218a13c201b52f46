package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

import dev.gearman.server.store.DeadLetter;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of the {@link JobStore}: inserts with the replies that wait for them, and deletes of exactly
 * one job's row. Part of {@link JobRegistry}, which decides what a job does once its insert is answered.
 * Engine-thread only; the store answers on its own threads and the answer is handed back to the engine loop.
 */
final class StoreWrites {

	private static final Logger logger = LoggerFactory.getLogger(StoreWrites.class);

	/** Prefix of the store keys generated for background jobs submitted without a usable unique id. */
	static final String GENERATED_KEY_PREFIX = "~gearman-";

	private final JobStore store;

	private final boolean durable;

	private final EngineLoop loop;

	private final BiConsumer<Job, @Nullable Throwable> onAnswer;

	/** Inserts whose outcome the engine has not heard yet. */
	private int pending;

	/** Jobs whose committed row this server owns; written on the engine thread, read by a shared store's heartbeat. */
	private volatile int storedJobs;

	StoreWrites(JobStore store, EngineLoop loop, BiConsumer<Job, @Nullable Throwable> onAnswer) {
		this.store = store;
		this.durable = store.isDurable();
		this.loop = loop;
		this.onAnswer = onAnswer;
	}

	boolean isDurable() {
		return this.durable;
	}

	int pending() {
		return this.pending;
	}

	int storedJobs() {
		return this.storedJobs;
	}

	/** Has the store write a job's row; the reply waits for the answer, which comes back through the loop. */
	void insert(Job job, Session.Reply reply) {
		List<Session.Reply> replies = new ArrayList<>(1);
		replies.add(reply);
		job.pendingReplies = replies;
		job.persistence = Job.Persistence.PENDING;
		this.pending++;
		if (job.unique.isEmpty() || DataKey.UNIQUE_BY_DATA.equals(job.unique)) {
			// stores key rows by (function, unique): a job without a usable unique id gets one of its own
			job.storeKey = GENERATED_KEY_PREFIX + UUID.randomUUID();
		}
		StoredJob stored = new StoredJob(job.function.name, job.storeKey, job.priority.ordinal(), job.payloadBytes(),
				job.whenToRun, job.sequence, 0, null, job.handle);
		this.store.add(stored, (failure) -> {
			try {
				this.loop.execute(() -> this.onAnswer.accept(job, failure));
			}
			catch (RejectedExecutionException ex) {
				// the engine stopped before the store answered: the row, if committed, is replayed after a restart
				logger.debug("Store answered for job {} after the engine stopped", job.handle);
			}
		});
	}

	/**
	 * Takes the answer of a job's insert in: returns the replies that waited for it. The job has no row of this
	 * server's until {@link #stored} says the insert committed.
	 */
	@Nullable List<Session.Reply> answered(Job job) {
		this.pending--;
		job.persistence = Job.Persistence.NONE;
		List<Session.Reply> replies = job.pendingReplies;
		job.pendingReplies = null;
		return replies;
	}

	/** The job's insert committed: its row is this server's. */
	void stored(Job job) {
		job.persistence = Job.Persistence.STORED;
		this.storedJobs++;
	}

	/** A job re-created from its stored row (replayed, or taken over from another server). */
	void restored(Job job) {
		stored(job);
	}

	/** The job's row belongs to another server now: it is neither deleted nor updated from here. */
	void disowned(Job job) {
		if (job.persistence == Job.Persistence.STORED) {
			job.persistence = Job.Persistence.NONE;
			this.storedJobs--;
		}
	}

	/** Gives a stored job's row up for another server sharing the store to run (at shutdown). */
	void release(Job job) {
		if (job.persistence == Job.Persistence.STORED) {
			this.store.release(job.function.name, job.storeKey, job.sequence);
		}
	}

	/** Records a failed attempt on a stored job's row: attempts, next run time (rounded up to seconds), error. */
	void retryLater(Job job) {
		if (job.persistence == Job.Persistence.STORED) {
			this.store.retryLater(job.function.name, job.storeKey, job.sequence, job.attempts,
					(job.dueMillis + 999) / 1000, String.valueOf(job.lastError));
		}
	}

	/** Moves a job to the dead letters; its row, if it has one, goes with it in one transaction. */
	void bury(Job job, long nowMillis) {
		boolean stored = job.persistence == Job.Persistence.STORED;
		disowned(job);
		String key = (job.storeKey.isEmpty() || DataKey.UNIQUE_BY_DATA.equals(job.storeKey))
				? GENERATED_KEY_PREFIX + UUID.randomUUID() : job.storeKey;
		this.store.bury(new DeadLetter(job.function.name, key, job.sequence, job.priority.ordinal(),
				job.payloadBytes(), job.attempts, job.firstAttemptMillis,
				(job.lastFailureMillis != 0) ? job.lastFailureMillis : nowMillis, String.valueOf(job.lastError),
				(job.lastWorker != null) ? job.lastWorker : "-", stored));
	}

	/** Deletes a job's row if it has one; a row still being written is left for its answer to handle. */
	void delete(Job job) {
		if (job.persistence == Job.Persistence.STORED) {
			disowned(job);
			this.store.remove(job.function.name, job.storeKey, job.sequence);
		}
	}

}
