package dev.gearman.server.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.DeadLetterStore;
import dev.gearman.server.store.JobStore;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The one owner of jobs: the jobs table by handle, the unique-id reservations, the sessions a job is linked to (its
 * clients and the worker that holds it), and every move of its {@link JobState}. Each move goes through
 * {@link #move}, which checks it against the allowed moves and reports it to the listener; each end of a job goes
 * through {@link #end}, which takes it out of every table, releases its unique id, deletes its stored row and frees
 * its payload. Commands decide what should happen to a job (see {@link JobDispatcher}, {@link Submissions},
 * {@link WorkResults}, {@link AdminCommands}); this class makes it happen. Engine-thread only.
 * <p>
 * Its parts own the rest, and make their moves through this class: {@link JobCounts} the counts per state and end
 * reason and the payload bytes held, {@link JobNumbers} the handles and sequences, {@link WaitingJobs} the queues
 * and schedule jobs wait in, {@link StoreWrites} the store's rows. {@link Admissions} admits new jobs and answers
 * their submitters (after the store's commit, for a background job), {@link JobRestorer} re-creates jobs from
 * stored rows.
 */
final class JobRegistry {

	private final StoreWrites rows;

	private final EngineClock clock;

	private final EngineListener listener;

	private final Outbox outbox;

	private final Map<String, Job> byHandle = new HashMap<>();

	private final UniqueIds uniques = new UniqueIds();

	private final JobCounts counts;

	private final JobNumbers numbers;

	private final WaitingJobs waiting;

	private final JobRestorer restorer;

	private final Admissions admissions;

	private JobHistoryRecorder history = JobHistoryRecorder.OFF;

	JobRegistry(String handlePrefix, JobStore store, EngineLoop loop, EngineListener listener, Outbox outbox) {
		this(handlePrefix, store, loop, listener, outbox, Long.MAX_VALUE, 0);
	}

	/**
	 * @param maxPayloadBytes most payload bytes all live jobs may hold
	 * @param maxPayloadBytesPerFunction most payload bytes one function's live jobs may hold, 0 = no own limit
	 */
	JobRegistry(String handlePrefix, JobStore store, EngineLoop loop, EngineListener listener, Outbox outbox,
			long maxPayloadBytes, long maxPayloadBytesPerFunction) {
		this.counts = new JobCounts(maxPayloadBytes, maxPayloadBytesPerFunction);
		this.numbers = new JobNumbers(handlePrefix);
		this.rows = new StoreWrites(store, loop, this::storeAnswered);
		this.clock = loop.clock();
		this.listener = listener;
		this.outbox = outbox;
		this.waiting = new WaitingJobs(loop, this::move);
		this.restorer = new JobRestorer(this, this.numbers, this.rows, this.waiting);
		this.admissions = new Admissions(this, this::move, this.rows, this.waiting, outbox, listener);
	}

	/** The store's answer to an insert, back on the engine thread; the admissions, created later, take it in. */
	private void storeAnswered(Job job, @Nullable Throwable failure) {
		this.admissions.answered(job, failure);
	}

	/** Sets what runs when a function gets a job a worker can take: waking its sleeping workers. */
	void onRunnable(Consumer<JobFunction> hook) {
		this.waiting.onRunnable(hook);
	}

	/** Sets where the events of background jobs are recorded. */
	void recordHistory(JobHistoryRecorder recorder) {
		this.history = recorder;
	}

	JobHistoryRecorder history() {
		return this.history;
	}

	/** Keeps dead letters in memory with these bounds, unless the store keeps them itself. */
	void keepDeadLettersInMemory(int maxCount, long maxBytes) {
		this.rows.keepDeadLettersInMemory(maxCount, maxBytes);
	}

	/** Where dead letters go: the store's own, or memory. */
	DeadLetterStore deadLetters() {
		return this.rows.deadLetters();
	}

	// lookups

	@Nullable Job byHandle(String handle) {
		Job job = this.byHandle.get(handle);
		if (job == null && !handle.isEmpty() && handle.charAt(handle.length() - 1) == 0) {
			// some servers and clients pass the handle with its trailing NUL; accept both forms
			job = this.byHandle.get(handle.substring(0, handle.length() - 1));
		}
		return job;
	}

	/** The live job a submission with this unique id joins instead of creating another, if any. */
	@Nullable Job coalescable(JobFunction function, String unique, byte[] data) {
		return this.uniques.find(function, unique, data);
	}

	/** A live job with this unique id, of any function, for GET_STATUS_UNIQUE. */
	@Nullable Job anyByUnique(String unique) {
		return this.uniques.anyFunction(unique);
	}

	/** Epoch jobs and jobs waiting to retry, by due time; read-only. */
	Iterable<Job> due() {
		return this.waiting.due();
	}

	/** The first jobs of the due schedule in a state, of one function or all, by due time. */
	List<Job> dueJobs(JobState state, @Nullable JobFunction function, int max) {
		return this.waiting.dueJobs(state, function, max);
	}

	Collection<Job> jobs() {
		return this.byHandle.values();
	}

	int size() {
		return this.byHandle.size();
	}

	/** The counts per state and end reason, and the payload bytes held; constant time. */
	JobCounts counts() {
		return this.counts;
	}

	/** Admits new jobs and joining submissions, and answers their submitters. */
	Admissions admissions() {
		return this.admissions;
	}

	/** Re-creates jobs from what the store holds: replayed, adopted or requeued dead letters. */
	JobRestorer restorer() {
		return this.restorer;
	}

	/** Whether a job with this handle, exactly, is live here. */
	boolean holds(String handle) {
		return this.byHandle.containsKey(handle);
	}

	/** Jobs whose committed row this server owns; readable from any thread. */
	int storedJobs() {
		return this.rows.storedJobs();
	}

	/** Whether a store insert is still unanswered: a client may be owed a JOB_CREATED or an ERROR. */
	boolean storing() {
		return this.rows.pending() > 0;
	}

	boolean isDurable() {
		return this.rows.isDurable();
	}

	// a job's life

	/**
	 * Enters a new job in the tables and reserves its unique id; {@link Admissions#admit} then makes it runnable.
	 * @param payloadBuffer the payload when it stays in a buffer, already retained for the job
	 */
	Job create(JobFunction function, String unique, byte[] data, @Nullable ByteBuf payloadBuffer, Priority priority,
			boolean background, long whenToRun, @Nullable String reducer) {
		Job job = new Job(this.numbers.nextSequence(), this.numbers.nextHandle(), function, unique, data, priority,
				background, whenToRun, reducer);
		job.payloadBuffer = payloadBuffer;
		enter(job, (payloadBuffer != null) ? payloadBuffer.readableBytes() : data.length, true);
		return job;
	}

	/**
	 * A stored job's row belongs to another server now, which runs it: this server forgets the job without
	 * deleting the row. A foreground client waiting for it keeps it here as the foreground job it was; a running
	 * one finishes on its worker with its result discarded.
	 */
	void disown(Job job) {
		this.rows.disowned(job);
		job.background = false;
		if (!job.clients.isEmpty()) {
			return;
		}
		switch (job.state) {
			case QUEUED, SCHEDULED, WAITING -> end(job, EndReason.HANDED_OVER);
			case RUNNING -> move(job, JobState.ABANDONED);
			default -> {
			}
		}
	}

	/** Gives a queued stored job up at shutdown: the store releases its row for another server, and it ends here. */
	void release(Job job) {
		this.rows.release(job);
		disown(job);
	}

	/** Enters a job in the jobs table, holding this much payload, and reserves its unique id if asked to. */
	void enter(Job job, int payloadSize, boolean reserveUnique) {
		this.counts.entered(job, payloadSize);
		this.byHandle.put(job.handle, job);
		if (reserveUnique) {
			this.uniques.reserve(job);
		}
	}

	void attach(Session client, Job job) {
		if (client.attached.add(job)) {
			job.addClient(client);
		}
	}

	/** A foreground client is gone; the session forgets the job itself. */
	void detach(Session client, Job job) {
		job.clients.remove(client);
		if (job.clients.isEmpty() && !job.background) {
			abandon(job);
		}
	}

	/** Hands a queued job to a worker. */
	void assign(Job job, Session worker) {
		job.list.remove(job);
		job.worker = worker;
		worker.running.add(job);
		job.function.running.add(job);
		job.startedNanos = this.clock.nanoTime();
		if (job.firstAttemptMillis == 0) {
			job.firstAttemptMillis = this.clock.currentTimeMillis();
		}
		move(job, JobState.RUNNING);
		this.listener.jobStarted(job.function.name, job.startedNanos - job.enqueuedNanos);
	}

	/** Puts a job its worker let go back at the end of its queue. */
	void requeue(Job job) {
		detachWorker(job);
		job.numerator = "0";
		job.denominator = "0";
		this.waiting.toQueue(job);
	}

	/**
	 * Parks a job whose attempt failed until its next attempt is due; its stored row records the attempt.
	 * @param delayMillis the backoff
	 */
	void retryLater(Job job, long delayMillis) {
		detachWorker(job);
		job.numerator = "0";
		job.denominator = "0";
		job.dueMillis = this.clock.currentTimeMillis() + delayMillis;
		this.waiting.waitForRetry(job);
		this.rows.retryLater(job);
	}

	/**
	 * Queues at once a job that waits for its time, on an operator's request: an epoch job before its time, or a
	 * failed job before its next attempt. A waiting job's stored row is told that the attempt is due now; an epoch
	 * job's row keeps its time, so a restart before a worker takes it schedules it again.
	 */
	void runNow(Job job) {
		this.waiting.unschedule(job);
		if (job.state == JobState.WAITING) {
			job.dueMillis = this.clock.currentTimeMillis();
			this.rows.retryLater(job);
		}
		this.waiting.toQueue(job);
	}

	/**
	 * Nobody waits for a foreground job any more: one that waits is dropped at once, a running one finishes on its
	 * worker with its result discarded. (gearmand drops a background job a foreground client had joined; here it
	 * stays.)
	 */
	void abandon(Job job) {
		switch (job.state) {
			case QUEUED, SCHEDULED, STORING -> end(job, EndReason.ABANDONED);
			case RUNNING -> move(job, JobState.ABANDONED);
			default -> {
			}
		}
	}

	/**
	 * Fails the job for every client waiting for it and ends it; a running job keeps running on its worker, with its
	 * result discarded and its stored row deleted now, so that it does not run again after a restart.
	 */
	void cancel(Job job) {
		this.history.record(job, JobEvent.Type.CANCELLED);
		this.outbox.forward(job, Packet.response(PacketType.WORK_FAIL, job.handle));
		detachClients(job);
		job.background = false;
		if (job.state.isAssigned()) {
			this.rows.delete(job);
			if (job.state == JobState.RUNNING) {
				move(job, JobState.ABANDONED);
			}
		}
		else {
			end(job, EndReason.CANCELLED);
		}
	}

	/** A worker sent WORK_COMPLETE for a job it holds: the history keeps the result, then the job ends. */
	void complete(Job job, Packet result) {
		if (job.state == JobState.ABANDONED) {
			end(job, EndReason.ABANDONED);
			return;
		}
		this.history.completed(job, result);
		end(job, EndReason.COMPLETED);
	}

	/**
	 * Ends a job: takes it out of its queue, schedule or worker, detaches its clients, releases its unique id,
	 * deletes its stored row and frees its payload. Telling the clients is the caller's part.
	 */
	void end(Job job, EndReason reason) {
		if (reason == EndReason.FAILED || reason == EndReason.DEAD) {
			this.history.record(job, (reason == EndReason.DEAD) ? JobEvent.Type.DEAD : JobEvent.Type.FAILED);
		}
		switch (job.state) {
			case QUEUED, STORING -> {
				if (job.list != null) {
					job.list.remove(job);
				}
			}
			case SCHEDULED, WAITING -> this.waiting.unschedule(job);
			case RUNNING, ABANDONED -> detachWorker(job);
			default -> {
			}
		}
		detachClients(job);
		this.uniques.unreserve(job);
		this.byHandle.remove(job.handle, job);
		this.counts.left(job);
		if (reason == EndReason.DEAD) {
			this.rows.bury(job, this.clock.currentTimeMillis());
		}
		else {
			this.rows.delete(job);
		}
		// a JOB_ASSIGN still being written holds its own reference
		job.freePayload();
		move(job, JobState.DONE);
		this.counts.countEnd(reason);
		this.listener.jobEnded(job.function.name, reason);
	}

	/** Frees the payload buffers of every job still held, when the engine stops; their stored rows stay. */
	void freeAllPayloads() {
		for (Job job : this.byHandle.values()) {
			job.freePayload();
		}
	}

	/** What the registry holds, for tests that check nothing is left dangling. */
	JobCensus census(Collection<JobFunction> functions) {
		return JobCensus.of(this.byHandle.values(), functions, this.uniques.size(), this.rows.pending());
	}

	// the moves

	/** The one way a job changes state: checked against {@link JobState}'s table, counted and reported. */
	private void move(Job job, JobState to) {
		JobState from = job.state;
		if (!from.canMoveTo(to)) {
			throw new IllegalJobMoveException(job.handle, from, to);
		}
		job.state = to;
		this.counts.moved(from, to);
		job.function.moved(job, from, to);
		this.listener.jobMoved(job.function.name, from, to);
	}

	private void detachWorker(Job job) {
		Session worker = job.worker;
		if (worker != null) {
			worker.running.remove(job);
			job.function.running.remove(job);
			job.worker = null;
		}
		if (job.timeout != null) {
			job.timeout.cancel();
			job.timeout = null;
		}
	}

	private void detachClients(Job job) {
		for (Session client : job.clients) {
			client.attached.remove(job);
		}
		job.clients.clear();
	}

}
