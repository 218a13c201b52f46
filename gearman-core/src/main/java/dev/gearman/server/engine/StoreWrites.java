package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

import dev.gearman.server.store.DeadLetter;
import dev.gearman.server.store.DeadLetterStore;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.MemoryDeadLetters;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of the {@link JobStore}: inserts with the replies that wait for them, deletes of exactly
 * one job's row, and the moves to and from the dead letters (kept by the store, or in memory if it keeps none).
 * Part of {@link JobRegistry}; {@link Admissions} decides what a job does once its insert is answered.
 * Engine-thread only; the store answers on its own threads and the answer is handed back to the engine loop.
 */
final class StoreWrites {

	private static final Logger logger = LoggerFactory.getLogger(StoreWrites.class);

	/** The longest worker client id a dead letter or a history event keeps. */
	static final int MAX_WORKER_ID_LENGTH = 255;

	/** Prefix of the store keys generated for background jobs submitted without a usable unique id. */
	static final String GENERATED_KEY_PREFIX = "~gearman-";

	private final JobStore store;

	private final boolean durable;

	private final EngineLoop loop;

	private final BiConsumer<Job, @Nullable Throwable> onAnswer;

	/** Where dead letters go: the store's own, or memory. */
	private DeadLetterStore deadLetters;

	/** The dead letters in memory, when the store keeps none; {@code null} when it does. */
	private @Nullable MemoryDeadLetters keptInMemory;

	/** Jobs moved back from the dead letters whose store write is pending, with who waits for the outcome. */
	private final Map<Job, CompletableFuture<String>> restores = new HashMap<>();

	/** Inserts whose outcome the engine has not heard yet. */
	private int pending;

	/** Jobs whose committed row this server owns; written on the engine thread, read by a shared store's heartbeat. */
	private volatile int storedJobs;

	StoreWrites(JobStore store, EngineLoop loop, BiConsumer<Job, @Nullable Throwable> onAnswer) {
		this.store = store;
		this.durable = store.isDurable();
		this.loop = loop;
		this.onAnswer = onAnswer;
		DeadLetterStore own = store.deadLetters();
		this.keptInMemory = (own == null) ? new MemoryDeadLetters(0, 0) : null;
		this.deadLetters = (own == null) ? this.keptInMemory : own;
	}

	/** Keeps dead letters in memory with these bounds, unless the store keeps them itself. */
	void keepDeadLettersInMemory(int maxCount, long maxBytes) {
		if (this.keptInMemory != null) {
			this.keptInMemory = new MemoryDeadLetters(maxCount, maxBytes);
			this.deadLetters = this.keptInMemory;
		}
	}

	DeadLetterStore deadLetters() {
		return this.deadLetters;
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
		this.store.add(stored, (failure) -> answer(job, failure));
	}

	/**
	 * Moves a dead letter back into the queue as a job: with the store's dead letters in one of its transactions,
	 * otherwise by taking it out of memory (and storing it, if the store is durable). The job waits as being stored
	 * until the outcome is known, like a new submission.
	 * @param done completed with the job's handle once it is queued, or with the failure
	 */
	void restore(Job job, StoredDeadLetter letter, CompletableFuture<String> done) {
		job.pendingReplies = new ArrayList<>(1);
		job.persistence = Job.Persistence.PENDING;
		this.pending++;
		this.restores.put(job, done);
		StoredJob stored = letter.toJob(job.sequence, job.handle);
		if (this.keptInMemory == null) {
			this.deadLetters.restore(letter, stored, (failure) -> answer(job, failure));
		}
		else if (!this.keptInMemory.delete(letter.id())) {
			this.onAnswer.accept(job, new IllegalStateException("dead letter: " + letter.id()
					+ " (expected: one that is kept)"));
		}
		else if (this.durable) {
			MemoryDeadLetters memory = this.keptInMemory;
			this.store.add(stored, (failure) -> {
				if (failure != null) {
					// the queue did not take it: it stays a dead letter (under a new id)
					memory.add(letter.toLetter());
				}
				answer(job, failure);
			});
		}
		else {
			this.onAnswer.accept(job, null);
		}
	}

	/** Who waits for a job moved back from the dead letters, once its store write is answered. */
	@Nullable CompletableFuture<String> restoreAnswered(Job job) {
		return this.restores.remove(job);
	}

	private void answer(Job job, @Nullable Throwable failure) {
		try {
			this.loop.execute(() -> this.onAnswer.accept(job, failure));
		}
		catch (RejectedExecutionException ex) {
			// the engine stopped before the store answered: the row, if committed, is replayed after a restart
			logger.debug("Store answered for job {} after the engine stopped", job.handle);
		}
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

	/**
	 * Moves a job to the dead letters; its row, if it has one, goes with it in one transaction. Without dead
	 * letters of the store's own the row is deleted and the letter kept in memory.
	 */
	void bury(Job job, long nowMillis) {
		boolean stored = job.persistence == Job.Persistence.STORED;
		disowned(job);
		String key = (job.storeKey.isEmpty() || DataKey.UNIQUE_BY_DATA.equals(job.storeKey))
				? GENERATED_KEY_PREFIX + UUID.randomUUID() : job.storeKey;
		DeadLetter letter = new DeadLetter(job.function.name, key, job.sequence, job.priority.ordinal(),
				job.payloadBytes(), job.attempts, job.firstAttemptMillis,
				(job.lastFailureMillis != 0) ? job.lastFailureMillis : nowMillis, String.valueOf(job.lastError),
				workerId(job.lastWorker), stored);
		this.store.bury(letter);
		if (this.keptInMemory != null) {
			this.keptInMemory.add(letter.withErrorAtMost(FailedAttempts.MAX_ERROR_LENGTH));
		}
	}

	/**
	 * A worker's client id as dead letters and history keep it: at most {@value #MAX_WORKER_ID_LENGTH} characters,
	 * since SET_CLIENT_ID takes any length a packet can carry; {@code -} if none.
	 */
	static String workerId(@Nullable String clientId) {
		if (clientId == null) {
			return "-";
		}
		return (clientId.length() <= MAX_WORKER_ID_LENGTH) ? clientId : clientId.substring(0, MAX_WORKER_ID_LENGTH);
	}

	/** Deletes a job's row if it has one; a row still being written is left for its answer to handle. */
	void delete(Job job) {
		if (job.persistence == Job.Persistence.STORED) {
			disowned(job);
			this.store.remove(job.function.name, job.storeKey, job.sequence);
		}
	}

}
