package dev.gearman.server.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.DeadLetterStore;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.server.store.OwnedElsewhereException;
import dev.gearman.server.store.StoredJob;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of jobs: the jobs table by handle, the unique-id reservations, the store's inserts and deletes, the
 * queues and epoch schedule a job waits in, the worker that holds it, and every move of its {@link JobState}. Each
 * move goes through {@link #move}, which checks it against the allowed moves and reports it to the listener; each
 * end of a job goes through {@link #end}, which takes it out of every table, releases its unique id, deletes its
 * stored row and frees its payload. Commands decide what should happen to a job (see {@link JobDispatcher},
 * {@link Submissions}, {@link WorkResults}, {@link AdminCommands}); this class makes it happen. Engine-thread only.
 * <p>
 * Acknowledged means stored: with a durable store, a background job's JOB_CREATED waits for the store's commit.
 * That holds for a new job and for a foreground job that a background submission joins; the job keeps its place
 * in its queue meanwhile, so arrival order within a priority is kept whether or not a job is stored.
 */
final class JobRegistry {

	private static final Logger logger = LoggerFactory.getLogger(JobRegistry.class);

	private final StoreWrites rows;

	private final EngineClock clock;

	private final EngineListener listener;

	private final Outbox outbox;

	private final String handlePrefix;

	private final Map<String, Job> byHandle = new HashMap<>();

	private final DueSchedule due;

	private final UniqueIds uniques = new UniqueIds();

	/** Live jobs per state, over all functions. */
	private final int[] byState = new int[JobState.values().length];

	/** Jobs that ended per {@link EndReason} since start, for the dashboard's rates. */
	private final long[] ended = new long[EndReason.values().length];

	/** Payload bytes all live jobs hold. */
	private long payloadBytes;

	private final long maxPayloadBytes;

	private final long maxPayloadBytesPerFunction;

	private Consumer<JobFunction> onRunnable = (function) -> {
	};

	private JobHistoryRecorder history = JobHistoryRecorder.OFF;

	private long nextHandle = 1;

	private long nextSequence = 1;

	JobRegistry(String handlePrefix, JobStore store, EngineLoop loop, EngineListener listener, Outbox outbox) {
		this(handlePrefix, store, loop, listener, outbox, Long.MAX_VALUE, 0);
	}

	/**
	 * @param maxPayloadBytes most payload bytes all live jobs may hold
	 * @param maxPayloadBytesPerFunction most payload bytes one function's live jobs may hold, 0 = no own limit
	 */
	JobRegistry(String handlePrefix, JobStore store, EngineLoop loop, EngineListener listener, Outbox outbox,
			long maxPayloadBytes, long maxPayloadBytesPerFunction) {
		this.maxPayloadBytes = maxPayloadBytes;
		this.maxPayloadBytesPerFunction = maxPayloadBytesPerFunction;
		this.handlePrefix = handlePrefix + ":";
		this.rows = new StoreWrites(store, loop, this::stored);
		this.clock = loop.clock();
		this.listener = listener;
		this.outbox = outbox;
		this.due = new DueSchedule(loop, this::queueDueJobs);
	}

	/** Sets what runs when a function gets a job a worker can take: waking its sleeping workers. */
	void onRunnable(Consumer<JobFunction> hook) {
		this.onRunnable = hook;
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

	/** Whether a new job with this much payload fits the queued-bytes limits. */
	boolean hasRoomFor(JobFunction function, long size) {
		if (this.payloadBytes + size > this.maxPayloadBytes) {
			return false;
		}
		return this.maxPayloadBytesPerFunction <= 0
				|| function.payloadBytes + size <= this.maxPayloadBytesPerFunction;
	}

	long payloadBytes() {
		return this.payloadBytes;
	}

	/** Epoch jobs and jobs waiting to retry, by due time; read-only. */
	Iterable<Job> due() {
		return this.due.jobs();
	}

	/** The first jobs of the due schedule in a state, of one function or all, by due time. */
	List<Job> dueJobs(JobState state, @Nullable JobFunction function, int max) {
		return this.due.select(state, function, max);
	}

	Collection<Job> jobs() {
		return this.byHandle.values();
	}

	int size() {
		return this.byHandle.size();
	}

	int count(JobState state) {
		return this.byState[state.ordinal()];
	}

	/** Jobs held by workers, abandoned ones included. */
	int running() {
		return count(JobState.RUNNING) + count(JobState.ABANDONED);
	}

	/** Jobs whose committed row this server owns; readable from any thread. */
	int storedJobs() {
		return this.rows.storedJobs();
	}

	/** Jobs that ended for this reason since start. */
	long ended(EndReason reason) {
		return this.ended[reason.ordinal()];
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
	 * Enters a new job in the tables and reserves its unique id; {@link #admit} then makes it runnable.
	 * @param payloadBuffer the payload when it stays in a buffer, already retained for the job
	 */
	Job create(JobFunction function, String unique, byte[] data, @Nullable ByteBuf payloadBuffer, Priority priority,
			boolean background, long whenToRun, @Nullable String reducer) {
		Job job = new Job(this.nextSequence++, this.handlePrefix + this.nextHandle++, function, unique, data,
				priority, background, whenToRun, reducer);
		job.payloadBuffer = payloadBuffer;
		register(job, (payloadBuffer != null) ? payloadBuffer.readableBytes() : data.length, true);
		return job;
	}

	/**
	 * Makes a new job runnable and answers its submitter: a background job for a durable store is stored first (it
	 * holds its place in its queue meanwhile) and JOB_CREATED follows the commit; any other job is queued or
	 * scheduled and answered at once.
	 */
	void admit(Job job, Session submitter) {
		if (job.background && this.rows.isDurable()) {
			if (!isScheduledLater(job)) {
				job.function.queue(job.priority).addLast(job);
			}
			move(job, JobState.STORING);
			this.rows.insert(job, submitter.reserve());
			return;
		}
		this.listener.jobSubmitted(job.function.name, job.priority, job.background);
		place(job);
		this.history.record(job, JobEvent.Type.SUBMITTED);
		this.outbox.reply(submitter, PacketType.JOB_CREATED, job.handle);
	}

	/**
	 * A submission joins a live job with its unique id. A foreground client attaches to it; a background submission
	 * turns a foreground job into a background one, stored (with a durable store) before its JOB_CREATED. Either
	 * way an abandoned job has someone waiting for it again.
	 */
	void join(Job job, Session client, boolean background) {
		if (!background) {
			attach(client, job);
		}
		else if (!job.background) {
			job.background = true;
			if (this.rows.isDurable() && job.persistence == Job.Persistence.NONE) {
				if (job.state == JobState.ABANDONED) {
					move(job, JobState.RUNNING);
				}
				this.rows.insert(job, client.reserve());
				return;
			}
		}
		if (job.state == JobState.ABANDONED) {
			move(job, JobState.RUNNING);
		}
		if (job.persistence == Job.Persistence.PENDING) {
			job.pendingReplies.add(client.reserve());
		}
		else {
			this.outbox.reply(client, PacketType.JOB_CREATED, job.handle);
		}
	}

	/**
	 * Numbers the jobs created from now on after every stored one, including those the store still holds and that
	 * are loaded later ({@link ReplayBacklog}).
	 */
	void numberAfter(long lastStoredSequence) {
		this.nextSequence = Math.max(this.nextSequence, lastStoredSequence + 1);
	}

	/** Re-creates a job read from the store, at startup or later, under a new handle. */
	void replay(StoredJob stored, JobFunction function) {
		if (coalescable(function, uniqueOf(stored), stored.data()) != null) {
			logger.warn("Skipping stored job '{}' of function '{}': its unique id is already in use",
					stored.unique(), stored.function());
			return;
		}
		restore(stored, function, this.handlePrefix + this.nextHandle++);
	}

	/**
	 * Re-creates a job that another server stored and this one took over. It keeps its handle, which its clients
	 * know, unless this server uses it already. A job whose unique id a live job here holds runs on its own: it was
	 * acknowledged, so it must run, and new submissions keep joining the live one.
	 */
	void adopt(StoredJob stored, JobFunction function) {
		String handle = stored.handle();
		restore(stored, function,
				(handle != null && !this.byHandle.containsKey(handle)) ? handle : this.handlePrefix + this.nextHandle++);
	}

	/** A stored job's unique id: none for a key the store generated (the job was submitted without one). */
	private static String uniqueOf(StoredJob stored) {
		return stored.unique().startsWith(StoreWrites.GENERATED_KEY_PREFIX) ? "" : stored.unique();
	}

	private void restore(StoredJob stored, JobFunction function, String handle) {
		String unique = uniqueOf(stored);
		this.nextSequence = Math.max(this.nextSequence, stored.sequence() + 1);
		Job job = new Job(stored.sequence(), handle, function, unique, stored.data(), Priority.of(stored.priority()),
				true, stored.whenToRun(), null);
		job.storeKey = stored.unique();
		this.rows.restored(job);
		job.attempts = stored.attempts();
		job.lastError = stored.lastError();
		register(job, stored.data().length, coalescable(function, unique, stored.data()) == null);
		if (job.attempts > 0 && isScheduledLater(job)) {
			// it failed before the restart and waits for its next attempt
			move(job, JobState.WAITING);
			this.due.add(job);
		}
		else {
			place(job);
		}
		this.history.record(job, JobEvent.Type.RESTORED);
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
		Job job = create(function, generated ? "" : letter.unique(), letter.data(), null,
				Priority.of(letter.priority()), true, 0, null);
		job.storeKey = letter.unique();
		function.queue(job.priority).addLast(job);
		move(job, JobState.STORING);
		this.rows.restore(job, letter, done);
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

	private void register(Job job, int payloadSize, boolean reserveUnique) {
		job.payloadSize = payloadSize;
		this.payloadBytes += payloadSize;
		job.function.payloadBytes += payloadSize;
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
		toQueue(job);
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
		move(job, JobState.WAITING);
		this.due.add(job);
		this.rows.retryLater(job);
	}

	/**
	 * Queues at once a job that waits for its time, on an operator's request: an epoch job before its time, or a
	 * failed job before its next attempt. A waiting job's stored row is told that the attempt is due now; an epoch
	 * job's row keeps its time, so a restart before a worker takes it schedules it again.
	 */
	void runNow(Job job) {
		this.due.remove(job);
		if (job.state == JobState.WAITING) {
			job.dueMillis = this.clock.currentTimeMillis();
			this.rows.retryLater(job);
		}
		toQueue(job);
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
			forgetRow(job);
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
			case SCHEDULED, WAITING -> this.due.remove(job);
			case RUNNING, ABANDONED -> detachWorker(job);
			default -> {
			}
		}
		detachClients(job);
		this.uniques.unreserve(job);
		this.byHandle.remove(job.handle, job);
		this.payloadBytes -= job.payloadSize;
		job.function.payloadBytes -= job.payloadSize;
		if (reason == EndReason.DEAD) {
			this.rows.bury(job, this.clock.currentTimeMillis());
		}
		else {
			forgetRow(job);
		}
		// a JOB_ASSIGN still being written holds its own reference
		job.freePayload();
		move(job, JobState.DONE);
		this.ended[reason.ordinal()]++;
		this.listener.jobEnded(job.function.name, reason);
	}

	/** Frees the payload buffers of every job still held, when the engine stops; their stored rows stay. */
	void freeAllPayloads() {
		for (Job job : this.byHandle.values()) {
			job.freePayload();
		}
	}

	/** What the registry holds, for tests that check nothing is left dangling. */
	Census census(Collection<JobFunction> functions) {
		int uniques = 0;
		for (JobFunction function : functions) {
			uniques += function.byUnique.size() + function.byData.size();
		}
		uniques += this.uniques.size();
		int stored = 0;
		int buffers = 0;
		for (Job job : this.byHandle.values()) {
			stored += (job.persistence == Job.Persistence.STORED) ? 1 : 0;
			buffers += (job.payloadBuffer != null) ? 1 : 0;
		}
		return new Census(this.byHandle.size(), uniques, stored, buffers, this.rows.pending());
	}

	// the moves

	private void move(Job job, JobState to) {
		JobState from = job.state;
		if (!from.canMoveTo(to)) {
			throw new IllegalJobMoveException(job.handle, from, to);
		}
		job.state = to;
		if (from.isLive()) {
			this.byState[from.ordinal()]--;
		}
		if (to.isLive()) {
			this.byState[to.ordinal()]++;
		}
		job.function.moved(job, from, to);
		this.listener.jobMoved(job.function.name, from, to);
	}

	private boolean isScheduledLater(Job job) {
		return job.dueMillis > 0 && job.dueMillis > this.clock.currentTimeMillis();
	}

	/** Queues a job, or schedules it if its epoch time has not come. */
	private void place(Job job) {
		if (job.list == null && isScheduledLater(job)) {
			move(job, JobState.SCHEDULED);
			this.due.add(job);
		}
		else {
			toQueue(job);
		}
	}

	/** Makes a job ready to be handed out; a job that held its place while being stored keeps it. */
	private void toQueue(Job job) {
		JobList queue = job.function.queue(job.priority);
		if (job.list == null) {
			queue.addLast(job);
		}
		job.enqueuedNanos = this.clock.nanoTime();
		move(job, JobState.QUEUED);
		// behind a job still being stored nothing can be handed out yet: no worker is woken in vain
		if (queue.peekFirst().state == JobState.QUEUED) {
			this.onRunnable.accept(job.function);
		}
	}

	private void queueDueJobs() {
		long now = this.clock.currentTimeMillis();
		Job job;
		while ((job = this.due.pollDue(now)) != null) {
			toQueue(job);
		}
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

	// the store

	/** The store answered an insert: the submitters hear of it, and the job moves on or is dropped. */
	private void stored(Job job, @Nullable Throwable failure) {
		List<Session.Reply> replies = this.rows.answered(job);
		CompletableFuture<String> restored = this.rows.restoreAnswered(job);
		if (restored != null) {
			answerRestore(job, failure, restored);
		}
		if (failure instanceof OwnedElsewhereException elsewhere) {
			// stored, but another server owns the row and runs the job: its handle is the one the client gets
			String handle = (elsewhere.handle() != null) ? elsewhere.handle() : job.handle;
			logger.debug("Job {} of function '{}' is stored by another server as {}", job.handle, job.function.name,
					handle);
			if (replies != null) {
				for (Session.Reply reply : replies) {
					// a foreground client that joined meanwhile keeps the job here, and its handle
					this.outbox.fill(reply, Packet.response(PacketType.JOB_CREATED,
							job.clients.contains(reply.session) ? job.handle : handle));
				}
			}
			if (job.state == JobState.STORING && job.clients.isEmpty()) {
				end(job, EndReason.HANDED_OVER);
			}
			else if (job.state == JobState.STORING) {
				job.background = false;
				place(job);
			}
			else if (job.state != JobState.DONE) {
				keepAsForeground(job);
			}
			return;
		}
		if (failure != null) {
			logger.debug("Storing job {} of function '{}' failed", job.handle, job.function.name, failure);
			fillAll(replies, () -> Packet.error("QUEUE_ERROR", "QUEUE_ERROR"));
			if (job.state == JobState.STORING) {
				end(job, EndReason.DROPPED);
			}
			else if (job.state != JobState.DONE) {
				keepAsForeground(job);
			}
			return;
		}
		if (this.rows.isDurable()) {
			this.rows.stored(job);
		}
		else {
			// a dead letter requeued from memory with a store that keeps nothing
			job.persistence = Job.Persistence.NONE;
		}
		fillAll(replies, () -> Packet.response(PacketType.JOB_CREATED, job.handle));
		if (job.state == JobState.DONE || !job.background) {
			// it ended, or was cancelled, while its row was written: the row must not outlive it
			forgetRow(job);
		}
		else if (job.state == JobState.STORING) {
			this.listener.jobSubmitted(job.function.name, job.priority, true);
			place(job);
			this.history.record(job, (restored != null) ? JobEvent.Type.REQUEUED : JobEvent.Type.SUBMITTED);
		}
	}

	/** Tells who requeued a dead letter how it went; the job itself moves on as any stored job does. */
	private void answerRestore(Job job, @Nullable Throwable failure, CompletableFuture<String> restored) {
		if (failure != null) {
			restored.completeExceptionally(failure);
		}
		else {
			logger.debug("Dead letter of job '{}' of function '{}' requeued as {}", job.storeKey, job.function.name,
					job.handle);
			restored.complete(job.handle);
		}
	}

	/** A foreground job that a background submission joined stays the foreground job it was: its row is not ours. */
	private void keepAsForeground(Job job) {
		job.background = false;
		if (job.clients.isEmpty()) {
			abandon(job);
		}
	}

	/** Deletes a job's stored row; a row still being written is deleted when its insert is answered. */
	private void forgetRow(Job job) {
		this.rows.delete(job);
	}

	private void fillAll(@Nullable List<Session.Reply> replies, Supplier<Packet> packet) {
		if (replies != null) {
			for (Session.Reply reply : replies) {
				this.outbox.fill(reply, packet.get());
			}
		}
	}

	/**
	 * What the registry holds at one moment.
	 *
	 * @param jobs live jobs
	 * @param uniques unique-id reservations
	 * @param storedRows jobs whose row the store holds
	 * @param payloadBuffers payload buffers jobs hold
	 * @param pendingStores store inserts not answered yet
	 */
	record Census(int jobs, int uniques, int storedRows, int payloadBuffers, int pendingStores) {

		static final Census EMPTY = new Census(0, 0, 0, 0, 0);

	}

}
