package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.gearman.protocol.AdminRequest;
import dev.gearman.protocol.Packet;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.history.HistorySettings;
import dev.gearman.server.history.JobHistoryStore;
import dev.gearman.server.history.MemoryJobHistory;
import dev.gearman.server.store.DeadLetterStore;
import dev.gearman.server.store.JobOwner;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.server.store.StoredJob;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job server engine, as the network layer and the application see it: the thread-safe facade. Network threads
 * call {@link #connect}, {@link #receive} and {@link #disconnect}; every command then runs on the engine's
 * {@link EngineLoop}, in arrival order per connection, against state no other thread touches. Which class owns
 * which state is described in the package documentation.
 * <p>
 * With a store that several servers share, the engine is the store's {@link JobOwner}: it adopts the jobs the store
 * took over from servers that stopped, hands out its stored jobs only while the store proves its ownership, and
 * forgets them without deleting their rows when it lost it. Its job handles then carry the store's
 * {@link JobStore#handleScope() scope}, so a job taken over keeps its handle.
 */
public final class JobEngine implements AutoCloseable, JobOwner {

	/** The most jobs one {@link #cancelWaiting} cancels. */
	public static final int MAX_CANCELLED = 10_000;

	private static final Logger logger = LoggerFactory.getLogger(JobEngine.class);

	private final EngineLoop loop;

	private final JobStore store;

	private final FunctionTable functions;

	private final JobRegistry registry;

	private final Drain drain;

	private final ConnectionCommands connections;

	private final CommandGate commandGate;

	private final EngineQueries queries;

	private final JobDispatcher dispatcher;

	private final AdminCommands admin;

	private final DeadLetterRequeues requeues;

	private final JobHistoryStore history;

	private final String handlePrefix;

	private final boolean exceptionsByDefault;

	private final long replyBudget;

	private final ReplyPressure replyPressure;

	private final ReplayBacklog backlog;

	private final AtomicLong sessionIds = new AtomicLong();

	/**
	 * Creates an engine that runs on a Netty event loop, usually one of the server's I/O threads: connections
	 * served by that event loop reach the engine without a thread switch.
	 * @param settings the server settings
	 * @param store where background jobs are kept
	 * @param executor the event loop
	 */
	public JobEngine(GearmanServerSettings settings, JobStore store, EventExecutor executor) {
		this(settings, store, new EngineLoop(executor), EngineListener.NONE);
	}

	/**
	 * Creates an engine that runs on a Netty event loop and reports job events to a listener.
	 * @param settings the server settings
	 * @param store where background jobs are kept
	 * @param executor the event loop
	 * @param listener receives job events on the engine thread
	 */
	public JobEngine(GearmanServerSettings settings, JobStore store, EventExecutor executor,
			EngineListener listener) {
		this(settings, store, new EngineLoop(executor), listener);
	}

	/**
	 * Creates an engine on a loop of the caller's, e.g. one with a clock a test advances by hand.
	 * @param settings the server settings
	 * @param store where background jobs are kept
	 * @param loop the loop, on a Netty event loop
	 * @param listener receives job events on the engine thread
	 */
	public JobEngine(GearmanServerSettings settings, JobStore store, EngineLoop loop, EngineListener listener) {
		this.store = store;
		this.loop = loop;
		this.exceptionsByDefault = settings.isExceptions();
		this.replyBudget = settings.getReplyBudgetPerConnection();
		this.replyPressure = new ReplyPressure(settings.effectiveMaxReplyBytes());
		EngineListener safe = (listener == EngineListener.NONE) ? listener : new GuardedEngineListener(listener);
		Outbox outbox = new Outbox();
		this.functions = new FunctionTable(settings.getDefaultMaxQueue(), settings.getMaxFunctions(),
				settings.getMaxFunctionNameLength(), settings.getIdleFunctionRetention().toMillis(), loop,
				settings.effectiveRetryRules());
		String scope = store.handleScope();
		String handlePrefix = scope.isEmpty() ? settings.getHandlePrefix() : settings.getHandlePrefix() + ":" + scope;
		this.handlePrefix = handlePrefix;
		this.functions.onPauseChanged(store::setPaused);
		this.registry = new JobRegistry(handlePrefix, store, loop, safe, outbox,
				settings.effectiveMaxQueuedBytes(), settings.getMaxQueuedBytesPerFunction());
		this.registry.keepDeadLettersInMemory(settings.getDeadLetters().getMaxCount(),
				settings.getDeadLetters().getMaxMemoryBytes());
		this.history = historyStore(settings.getHistory(), store);
		this.registry.recordHistory(new JobHistoryRecorder(this.history, loop.clock(),
				settings.getHistory().getMaxResultSize()));
		this.drain = new Drain(this.registry);
		this.requeues = new DeadLetterRequeues(this.registry, this.functions, this.drain);
		FailedAttempts failures = new FailedAttempts(this.registry, outbox, safe, loop.clock());
		JobDispatcher dispatcher = new JobDispatcher(this.registry, this.functions, this.drain, outbox, loop,
				failures, settings.getWorkerWakeup());
		this.registry.onRunnable(dispatcher::wake);
		this.dispatcher = dispatcher;
		AccessGate gate = new AccessGate(settings.getAccessPolicy(), safe, outbox);
		WorkerAbilities abilities = new WorkerAbilities(this.functions, dispatcher, outbox, gate,
				settings.getMaxAbilitiesPerWorker());
		this.connections = new ConnectionCommands(this.registry, abilities, outbox);
		this.admin = new AdminCommands(this.registry, this.functions, this.connections.sessions(), outbox, gate,
				dispatcher::wake, settings.getVersion(), loop);
		CommandRouter router = new CommandRouter(new Submissions(this.registry, this.functions, this.drain, outbox,
				gate), dispatcher, abilities, new WorkResults(this.registry, failures, outbox, safe, loop.clock()),
				new StatusQueries(this.registry, outbox, gate), this.connections, this.admin, outbox);
		this.commandGate = new CommandGate(router, loop);
		outbox.onFlushed(this.commandGate::flushed);
		this.backlog = new ReplayBacklog(store, this.registry, this.functions, loop, settings.effectiveMaxQueuedBytes());
		this.queries = new EngineQueries(this, this.registry, this.functions, this.connections.sessions());
		this.loop.addBatchHook(outbox::flush);
		this.loop.addBatchHook(this.drain::completeIfIdle);
		this.loop.addBatchHook(this.backlog::refillIfRoom);
	}

	/** The history of background jobs, when it is on: the store's own, or memory. */
	private static JobHistoryStore historyStore(HistorySettings settings, JobStore store) {
		if (!settings.isEnabled()) {
			return JobHistoryStore.NONE;
		}
		JobHistoryStore own = store.history();
		return (own != null) ? own : new MemoryJobHistory(settings.getMaxMemoryEvents());
	}

	/**
	 * Registers a new connection. Thread-safe.
	 * @param transport how replies reach the peer
	 * @return the session to pass to {@link #receive}
	 */
	public Session connect(SessionTransport transport) {
		Session session = new Session(this.sessionIds.incrementAndGet(), transport, this.exceptionsByDefault,
				this.replyBudget, this.replyPressure);
		this.loop.execute(() -> {
			session.connectedMillis = this.loop.clock().currentTimeMillis();
			this.connections.connected(session);
		});
		return session;
	}

	/**
	 * Hands a decoded message to the engine. Thread-safe; messages of one connection are handled in order. While the
	 * connection has more replies unread than its reply budget, its messages wait in the engine, unrun, until the
	 * peer has read enough of them.
	 * @param session the connection's session
	 * @param message a {@link Packet} or an {@link AdminRequest}
	 */
	public void receive(Session session, Object message) {
		try {
			this.loop.execute(() -> this.commandGate.receive(session, message));
		}
		catch (RejectedExecutionException ex) {
			ReferenceCountUtil.release(message);
			throw ex;
		}
	}

	/**
	 * Tells the engine a connection is gone: its foreground jobs are detached, the jobs it ran are requeued.
	 * Thread-safe.
	 * @param session the connection's session
	 */
	public void disconnect(Session session) {
		try {
			this.loop.execute(() -> {
				this.connections.disconnected(session);
				this.commandGate.dropHeld(session);
			});
		}
		catch (RejectedExecutionException ex) {
			// the engine has stopped: nothing of the connection's is left to clean up
		}
	}

	/**
	 * Replays stored jobs, after pausing again the functions that were paused, as many as the queued-bytes budget
	 * holds; the rest are loaded as jobs finish (see {@code ReplayBacklog}). Call before the listener opens.
	 * @return the number of jobs replayed now
	 */
	public long replay() {
		return call(() -> {
			Set<String> paused = this.store.pausedFunctions();
			for (String name : paused) {
				this.functions.restorePaused(this.functions.functionForReplay(name), true);
			}
			if (!paused.isEmpty()) {
				logger.info("{} functions paused before the restart stay paused", paused.size());
			}
			return this.backlog.loadAtStart();
		}).join();
	}

	/**
	 * Adopts jobs the store took over from another server, on the engine thread, in the order given. Thread-safe.
	 * @param jobs the jobs, in sequence order
	 */
	@Override
	public void adopt(List<StoredJob> jobs) {
		this.loop.execute(() -> {
			for (StoredJob stored : jobs) {
				this.registry.restorer().adopt(stored, this.functions.functionForReplay(stored.function()));
			}
		});
	}

	/**
	 * Stored jobs are handed out only before this time of the engine clock, until a later call. Thread-safe.
	 * @param nanoTime the end of the proven ownership
	 */
	@Override
	public void ownedUntil(long nanoTime) {
		this.loop.execute(() -> this.dispatcher.lease().extend(nanoTime));
	}

	/** Forgets every stored job without deleting its row: another server owns them now. Thread-safe. */
	@Override
	public void handOver() {
		this.loop.execute(() -> {
			int count = 0;
			for (Job job : List.copyOf(this.registry.jobs())) {
				if (job.persistence == Job.Persistence.STORED) {
					this.registry.disown(job);
					count++;
				}
			}
			logger.warn("Handed {} stored jobs over to the servers that took them over", count);
		});
	}

	/**
	 * What job handles start with: the configured prefix, and a shared store's scope.
	 * @return the prefix, without the {@code :} before the number
	 */
	public String handlePrefix() {
		return this.handlePrefix;
	}

	@Override
	public long nanoTime() {
		return this.loop.clock().nanoTime();
	}

	@Override
	public int storedJobs() {
		return this.registry.storedJobs();
	}

	/**
	 * Runs a query against the engine state on the engine thread.
	 * @param <T> the result type
	 * @param query the query
	 * @return the result
	 */
	<T> CompletableFuture<T> call(Supplier<T> query) {
		CompletableFuture<T> result = new CompletableFuture<>();
		this.loop.execute(() -> {
			try {
				result.complete(query.get());
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		return result;
	}

	/**
	 * Takes a consistent snapshot of the engine's counters, for health checks, metrics and admin endpoints.
	 * @return the snapshot, completed on the engine thread
	 */
	public CompletableFuture<EngineSnapshot> snapshot() {
		return call(() -> EngineSnapshot.of(this.functions, this.connections.sessions(), this.registry,
				this.loop.failures(), this.drain.isDraining()));
	}

	/**
	 * A report of everything the admin protocol shows, for the actuator endpoint: functions, workers and jobs.
	 * @param maxEntries the largest number of workers and of jobs listed; the totals are always exact
	 * @return the report, completed on the engine thread
	 */
	public CompletableFuture<EngineReport> report(int maxEntries) {
		return report(maxEntries, maxEntries, Integer.MAX_VALUE);
	}

	/**
	 * A report of functions, workers and jobs with separate caps, e.g. every worker and no job for a dashboard, and
	 * the first functions of each worker only (a worker may register a thousand).
	 * @param maxWorkers the largest number of workers listed
	 * @param maxJobs the largest number of jobs listed
	 * @param maxFunctionsPerWorker the largest number of a worker's functions listed
	 * @return the report, completed on the engine thread
	 */
	public CompletableFuture<EngineReport> report(int maxWorkers, int maxJobs, int maxFunctionsPerWorker) {
		return call(() -> EngineReport.of(this.functions, this.connections.sessions(), this.registry, maxWorkers,
				maxJobs, maxFunctionsPerWorker));
	}

	/**
	 * What a dashboard or an operator asks: pages of jobs, one job with its payload, run statistics, counters.
	 * @return the queries
	 */
	public EngineQueries queries() {
		return this.queries;
	}

	/**
	 * Cancels a job as the admin command {@code cancel job} does: its waiting clients get WORK_FAIL, a queued job goes
	 * at once, a running one finishes on its worker with its result ignored. Call it on behalf of an operator.
	 * @param handle the job handle
	 * @return whether the job existed, completed on the engine thread
	 */
	public CompletableFuture<Boolean> cancel(String handle) {
		return call(() -> {
			Job job = this.registry.byHandle(handle);
			if (job != null) {
				this.registry.cancel(job);
			}
			return job != null;
		});
	}

	/**
	 * Pauses or resumes a function, as the admin commands {@code pause function} and {@code resume function} do.
	 * Call it on behalf of an operator.
	 * @param function the function name
	 * @param paused {@code true} to pause
	 * @return whether the function exists (pausing creates it), completed on the engine thread
	 */
	public CompletableFuture<Boolean> pause(String function, boolean paused) {
		return call(() -> {
			JobFunction known = paused ? this.functions.function(function) : this.functions.existing(function);
			if (known == null) {
				return false;
			}
			if (this.functions.setPaused(known, paused) && !paused) {
				this.dispatcher.wake(known);
			}
			return true;
		});
	}

	/**
	 * Queues at once a job that waits for its time: an epoch job before its time, or a failed job before its next
	 * attempt (its attempts so far are kept). Call it on behalf of an operator.
	 * @param handle the job handle
	 * @return whether such a job was waiting, completed on the engine thread
	 */
	public CompletableFuture<Boolean> runNow(String handle) {
		return call(() -> {
			Job job = this.registry.byHandle(handle);
			if (job == null || (job.state != JobState.SCHEDULED && job.state != JobState.WAITING)) {
				return false;
			}
			this.registry.runNow(job);
			return true;
		});
	}

	/**
	 * Cancels, as {@link #cancel} does, the jobs that wait for their time in one state: of one function or of all, at
	 * most {@value #MAX_CANCELLED} per call (the engine thread must not stall; call again for more). Call it on
	 * behalf of an operator.
	 * @param function the function name, or {@code null} for every function
	 * @param state {@link JobState#SCHEDULED} or {@link JobState#WAITING}
	 * @return how many jobs were cancelled, completed on the engine thread
	 */
	public CompletableFuture<Integer> cancelWaiting(@Nullable String function, JobState state) {
		EngineQueries.requireDueState(state);
		return call(() -> {
			JobFunction known = (function != null) ? this.functions.existing(function) : null;
			List<Job> doomed = (function != null && known == null) ? List.of()
					: this.registry.dueJobs(state, known, MAX_CANCELLED);
			doomed.forEach(this.registry::cancel);
			return doomed.size();
		});
	}

	/** What the registry holds, for tests that check a scenario leaves nothing behind. */
	CompletableFuture<JobCensus> census() {
		return call(() -> this.registry.census(this.functions.all()));
	}

	/**
	 * Starts draining for shutdown: from now on no job is handed to a worker, sleeping workers are not woken, and
	 * submissions that could not outlive the stop (foreground jobs, background jobs without a durable store) are
	 * refused with ERROR SHUTTING_DOWN. Jobs that run may finish and report as usual. With a shared store, the
	 * stored jobs that wait (queued, scheduled, or for their next attempt) are released at once, for the other
	 * servers to run. Thread-safe.
	 * @return completes once no job runs any more and the store has answered every pending background submission
	 */
	public CompletableFuture<Void> drain() {
		return drain(new CompletableFuture<>());
	}

	/**
	 * Starts draining, as {@link #drain()}, and tells when the engine has taken that in.
	 * @param started completed on the engine thread once no job is handed out any more
	 * @return completes once no job runs any more and the store has answered every pending background submission
	 */
	public CompletableFuture<Void> drain(CompletableFuture<Void> started) {
		CompletableFuture<Void> drained = new CompletableFuture<>();
		this.loop.execute(() -> {
			this.drain.begin(drained);
			if (this.store.isShared()) {
				releaseWaitingJobs();
			}
			started.complete(null);
		});
		return drained;
	}

	/** Gives the stored jobs nobody runs up to the other servers sharing the store: a clean stop hands them over. */
	private void releaseWaitingJobs() {
		List<Job> waiting = new ArrayList<>();
		for (Job job : this.registry.jobs()) {
			if (job.persistence == Job.Persistence.STORED && job.clients.isEmpty() && !job.state.isAssigned()) {
				waiting.add(job);
			}
		}
		waiting.forEach(this.registry::release);
		logger.debug("Releasing {} queued stored jobs for the other servers to run", waiting.size());
	}

	/**
	 * The dead letters of this engine's jobs: the store's own, or kept in memory if the store keeps none. Its
	 * queries may block: call them off the engine thread.
	 * @return the dead letters
	 */
	public DeadLetterStore deadLetters() {
		return this.registry.deadLetters();
	}

	/**
	 * The history of background jobs; {@link JobHistoryStore#NONE} when it is off. Its queries may block: call them
	 * off the engine thread.
	 * @return the history
	 */
	public JobHistoryStore history() {
		return this.history;
	}

	/**
	 * Moves a dead letter back into its queue as a new job with a fresh attempt count and the letter's unique id,
	 * payload and priority; the store moves it in one transaction. Thread-safe.
	 * @param letter the letter, with its payload (see {@link DeadLetterStore#get})
	 * @return the new job's handle once it is queued; fails if the server is stopping, the queue is full, a live job
	 * has the letter's unique id, or the letter is no longer there
	 */
	public CompletableFuture<String> requeue(StoredDeadLetter letter) {
		CompletableFuture<String> done = new CompletableFuture<>();
		this.loop.execute(() -> this.requeues.requeue(letter, done));
		return done;
	}

	/**
	 * Adds admin text commands beyond gearmand's; call before the server takes connections. Thread-safe.
	 * @param extension the commands
	 */
	public void setAdminExtension(AdminExtension extension) {
		this.loop.execute(() -> this.admin.extend(extension));
	}

	/**
	 * The loop the engine runs on.
	 * @return the loop
	 */
	public EngineLoop loop() {
		return this.loop;
	}

	/**
	 * Stops the engine after the commands already queued; the payload buffers of jobs still held go back to their
	 * pool. Stored jobs stay in the store.
	 */
	@Override
	public void close() {
		this.backlog.close();
		try {
			call(() -> {
				this.registry.freeAllPayloads();
				return null;
			});
		}
		catch (RejectedExecutionException ex) {
			// the loop has stopped already: the buffers are left to the garbage collector
		}
		if (!this.loop.shutdown(5000)) {
			logger.warn("Engine loop did not finish its queued commands within 5 s");
		}
	}

}
