package dev.gearman.server.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.gearman.protocol.AdminRequest;
import dev.gearman.protocol.Packet;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.JobStore;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job server engine, as the network layer and the application see it: the thread-safe facade. Network threads
 * call {@link #connect}, {@link #receive} and {@link #disconnect}; every command then runs on the engine's
 * {@link EngineLoop}, in arrival order per connection, against state no other thread touches. Which class owns
 * which state is described in the package documentation.
 */
public final class JobEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(JobEngine.class);

	private final EngineLoop loop;

	private final FunctionTable functions;

	private final JobRegistry registry;

	private final Drain drain;

	private final ConnectionCommands connections;

	private final CommandGate commandGate;

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
		this.loop = loop;
		this.exceptionsByDefault = settings.isExceptions();
		this.replyBudget = settings.getReplyBudgetPerConnection();
		this.replyPressure = new ReplyPressure(settings.effectiveMaxReplyBytes());
		EngineListener safe = (listener == EngineListener.NONE) ? listener : new GuardedEngineListener(listener);
		Outbox outbox = new Outbox();
		this.functions = new FunctionTable(settings.getDefaultMaxQueue(), settings.getMaxFunctions(),
				settings.getMaxFunctionNameLength(), settings.getIdleFunctionRetention().toMillis(), loop,
				settings.effectiveRetryRules());
		this.registry = new JobRegistry(settings.getHandlePrefix(), store, loop, safe, outbox,
				settings.effectiveMaxQueuedBytes(), settings.getMaxQueuedBytesPerFunction());
		this.drain = new Drain(this.registry);
		FailedAttempts failures = new FailedAttempts(this.registry, outbox, safe, loop.clock());
		JobDispatcher dispatcher = new JobDispatcher(this.registry, this.functions, this.drain, outbox, loop,
				failures, settings.getWorkerWakeup());
		this.registry.onRunnable(dispatcher::wake);
		AccessGate gate = new AccessGate(settings.getAccessPolicy(), safe, outbox);
		WorkerAbilities abilities = new WorkerAbilities(this.functions, dispatcher, outbox, gate,
				settings.getMaxAbilitiesPerWorker());
		this.connections = new ConnectionCommands(this.registry, abilities, outbox);
		CommandRouter router = new CommandRouter(new Submissions(this.registry, this.functions, this.drain, outbox, gate),
				dispatcher, abilities, new WorkResults(this.registry, failures, outbox, safe, loop.clock()),
				new StatusQueries(this.registry, outbox, gate), this.connections,
				new AdminCommands(this.registry, this.functions, this.connections.sessions(), outbox, gate,
						settings.getVersion()),
				outbox);
		this.commandGate = new CommandGate(router, loop);
		outbox.onFlushed(this.commandGate::flushed);
		this.backlog = new ReplayBacklog(store, this.registry, this.functions, loop, settings.effectiveMaxQueuedBytes());
		this.loop.addBatchHook(outbox::flush);
		this.loop.addBatchHook(this.drain::completeIfIdle);
		this.loop.addBatchHook(this.backlog::refillIfRoom);
	}

	/**
	 * Registers a new connection. Thread-safe.
	 * @param transport how replies reach the peer
	 * @return the session to pass to {@link #receive}
	 */
	public Session connect(SessionTransport transport) {
		Session session = new Session(this.sessionIds.incrementAndGet(), transport, this.exceptionsByDefault,
				this.replyBudget, this.replyPressure);
		this.loop.execute(() -> this.connections.connected(session));
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
	 * Replays stored jobs, as many as the queued-bytes budget holds; the rest are loaded as jobs finish (see
	 * {@code ReplayBacklog}). Call before the listener opens.
	 * @return the number of jobs replayed now
	 */
	public long replay() {
		return call(this.backlog::loadAtStart).join();
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
		return call(() -> EngineReport.of(this.functions, this.connections.sessions(), this.registry, maxEntries));
	}

	/** What the registry holds, for tests that check a scenario leaves nothing behind. */
	CompletableFuture<JobRegistry.Census> census() {
		return call(() -> this.registry.census(this.functions.all()));
	}

	/**
	 * Starts draining for shutdown: from now on no job is handed to a worker, sleeping workers are not woken, and
	 * submissions that could not outlive the stop (foreground jobs, background jobs without a durable store) are
	 * refused with ERROR SHUTTING_DOWN. Jobs that run may finish and report as usual. Thread-safe.
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
			started.complete(null);
		});
		return drained;
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
