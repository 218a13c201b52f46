package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import dev.gearman.protocol.AdminRequest;
import dev.gearman.protocol.Magic;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.JobStore;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job server engine. Network threads call {@link #connect}, {@link #receive} and {@link #disconnect}; every
 * command then runs on the engine's own thread, in arrival order per connection, against state no other thread
 * touches.
 */
public final class JobEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(JobEngine.class);

	private final EngineLoop loop;

	private final EngineState state;

	private final JobDispatcher dispatcher;

	private final Submissions submissions;

	private final WorkResults results;

	private final AdminCommands admin;

	private final AtomicLong sessionIds = new AtomicLong();

	/**
	 * Creates an engine and starts its thread.
	 * @param settings the server settings
	 * @param store where background jobs are kept
	 */
	public JobEngine(GearmanServerSettings settings, JobStore store) {
		this(settings, store, new EngineLoop("gearman-engine"), EngineListener.NONE);
	}

	/**
	 * Creates an engine that reports job events to a listener, and starts its thread.
	 * @param settings the server settings
	 * @param store where background jobs are kept
	 * @param listener receives job events on the engine thread
	 */
	public JobEngine(GearmanServerSettings settings, JobStore store, EngineListener listener) {
		this(settings, store, new EngineLoop("gearman-engine"), listener);
	}

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

	private JobEngine(GearmanServerSettings settings, JobStore store, EngineLoop loop, EngineListener listener) {
		this.loop = loop;
		EngineListener safe = (listener == EngineListener.NONE) ? listener : new GuardedEngineListener(listener);
		this.state = new EngineState(this.loop, store, settings, safe);
		this.dispatcher = new JobDispatcher(this.state);
		this.submissions = new Submissions(this.state, this.dispatcher);
		this.results = new WorkResults(this.state, this.dispatcher);
		this.admin = new AdminCommands(this.state, this.dispatcher);
		this.loop.addBatchHook(this.state::flush);
		this.loop.addBatchHook(this::completeDrainIfIdle);
	}

	/**
	 * Registers a new connection. Thread-safe.
	 * @param transport how replies reach the peer
	 * @return the session to pass to {@link #receive}
	 */
	public Session connect(SessionTransport transport) {
		Session session = new Session(this.sessionIds.incrementAndGet(), transport, this.state.exceptionsByDefault);
		this.loop.execute(() -> this.state.sessions.add(session));
		return session;
	}

	/**
	 * Hands a decoded message to the engine. Thread-safe; messages of one connection are handled in order.
	 * @param session the connection's session
	 * @param message a {@link Packet} or an {@link AdminRequest}
	 */
	public void receive(Session session, Object message) {
		try {
			this.loop.execute(() -> {
				try {
					if (!session.closed) {
						handle(session, message);
					}
				}
				finally {
					// whatever the command keeps (a job's data buffer) it has retained for itself
					ReferenceCountUtil.release(message);
					session.commandDone();
				}
			});
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
		this.loop.execute(() -> disconnected(session));
	}

	/**
	 * Replays stored jobs; call before the listener opens.
	 * @return the number of jobs replayed
	 */
	public long replay() {
		return call((state) -> {
			long[] count = new long[1];
			state.store.replay((job) -> {
				this.submissions.replay(job);
				count[0]++;
			});
			return count[0];
		}).join();
	}

	/**
	 * Runs a read-only query against the engine state on the engine thread.
	 * @param <T> the result type
	 * @param query the query
	 * @return the result
	 */
	<T> CompletableFuture<T> call(Function<EngineState, T> query) {
		CompletableFuture<T> result = new CompletableFuture<>();
		this.loop.execute(() -> {
			try {
				result.complete(query.apply(this.state));
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
		return call(EngineSnapshot::of);
	}

	/**
	 * A report of everything the admin protocol shows, for the actuator endpoint: functions, workers and jobs.
	 * @param maxEntries the largest number of workers and of jobs listed; the totals are always exact
	 * @return the report, completed on the engine thread
	 */
	public CompletableFuture<EngineReport> report(int maxEntries) {
		return call((state) -> EngineReport.of(state, maxEntries));
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
			this.state.draining = true;
			started.complete(null);
			if (this.state.drained == null) {
				this.state.drained = drained;
			}
			else {
				this.state.drained.whenComplete((ignored, ex) -> drained.complete(null));
			}
			completeDrainIfIdle();
		});
		return drained;
	}

	private void completeDrainIfIdle() {
		CompletableFuture<Void> drained = this.state.drained;
		if (drained != null && !drained.isDone() && this.state.running == 0 && !storing()) {
			drained.complete(null);
		}
	}

	/** Whether a background job waits for the store; its client is owed a JOB_CREATED or an ERROR. */
	private boolean storing() {
		for (FunctionQueue function : this.state.functions.values()) {
			if (function.storing > 0) {
				return true;
			}
		}
		return false;
	}

	EngineLoop loop() {
		return this.loop;
	}

	private void handle(Session session, Object message) {
		if (message instanceof AdminRequest request) {
			this.admin.handle(session, request.line());
			return;
		}
		Packet packet = (Packet) message;
		if (packet.magic() != Magic.REQ) {
			this.state.send(session, Packet.error("INVALID_MAGIC", "Request magic expected"));
			return;
		}
		switch (packet.type()) {
			case SUBMIT_JOB, SUBMIT_JOB_BG, SUBMIT_JOB_HIGH, SUBMIT_JOB_HIGH_BG, SUBMIT_JOB_LOW, SUBMIT_JOB_LOW_BG,
					SUBMIT_JOB_EPOCH, SUBMIT_REDUCE_JOB, SUBMIT_REDUCE_JOB_BACKGROUND ->
				this.submissions.submit(session, packet);
			case GRAB_JOB, GRAB_JOB_UNIQ, GRAB_JOB_ALL -> this.dispatcher.grab(session, packet.type());
			case PRE_SLEEP -> this.dispatcher.preSleep(session);
			case WORK_STATUS, WORK_DATA, WORK_WARNING, WORK_COMPLETE, WORK_FAIL, WORK_EXCEPTION ->
				this.results.handle(session, packet);
			case CAN_DO -> this.dispatcher.canDo(session, packet.arg(0), 0);
			case CAN_DO_TIMEOUT -> canDoTimeout(session, packet);
			case CANT_DO -> this.dispatcher.cantDo(session, packet.arg(0));
			case RESET_ABILITIES -> this.dispatcher.resetAbilities(session);
			case GET_STATUS -> getStatus(session, beforeNul(packet.arg(0)));
			case GET_STATUS_UNIQUE -> getStatusUnique(session, beforeNul(packet.arg(0)));
			case ECHO_REQ -> this.state.send(session, Packet.responseWithDataOf(PacketType.ECHO_RES, packet));
			case OPTION_REQ -> option(session, packet.arg(0));
			case SET_CLIENT_ID -> session.clientId = clientId(packet.arg(0));
			default -> this.state.send(session, Packet.error("INVALID_COMMAND", "Command not expected"));
		}
	}

	private void canDoTimeout(Session worker, Packet packet) {
		long timeout;
		try {
			timeout = Long.parseLong(packet.arg(1).trim());
		}
		catch (NumberFormatException ex) {
			this.state.send(worker, Packet.error("INVALID_ARGUMENT", "Timeout is not a decimal number"));
			return;
		}
		// zero or negative means no limit, as in gearmand; the value is in milliseconds, without gearmand's 1 s floor
		this.dispatcher.canDo(worker, packet.arg(0), Math.max(0, timeout));
	}

	private void getStatus(Session client, String handle) {
		Job job = this.state.job(handle);
		if (job == null) {
			this.state.reply(client, PacketType.STATUS_RES, handle, "0", "0", "0", "0");
			return;
		}
		this.state.reply(client, PacketType.STATUS_RES, handle, "1", running(job), job.numerator, job.denominator);
	}

	private void getStatusUnique(Session client, String unique) {
		for (FunctionQueue function : this.state.functions.values()) {
			Job job = function.byUnique.get(unique);
			if (job != null) {
				this.state.reply(client, PacketType.STATUS_RES_UNIQUE, unique, "1", running(job), job.numerator,
						job.denominator, Integer.toString(job.clients.size()));
				return;
			}
		}
		this.state.reply(client, PacketType.STATUS_RES_UNIQUE, unique, "0", "0", "0", "0", "0");
	}

	/**
	 * The argument up to its first NUL. The reply echoes it as a NUL-terminated field, so a NUL inside would
	 * shift every field after it; gearmand reads the argument as a C string, which has the same effect.
	 */
	private static String beforeNul(String arg) {
		int nul = arg.indexOf('\0');
		return (nul < 0) ? arg : arg.substring(0, nul);
	}

	private static String running(Job job) {
		return (job.state == JobState.RUNNING) ? "1" : "0";
	}

	private void option(Session session, String name) {
		if (name.toLowerCase(Locale.ROOT).equals("exceptions")) {
			session.exceptions = true;
			this.state.reply(session, PacketType.OPTION_RES, name);
		}
		else {
			this.state.send(session, Packet.error("UNKNOWN_OPTION", "Server does not recognize given option"));
		}
	}

	private static String clientId(String id) {
		// the id is shown as one token of the 'workers' line: no whitespace, bounded length
		String token = id.isBlank() ? "-" : id.replaceAll("\\s", "_");
		return (token.length() > 128) ? token.substring(0, 128) : token;
	}

	private void disconnected(Session session) {
		if (session.closed) {
			return;
		}
		session.closed = true;
		this.state.sessions.remove(session);
		for (Job job : new ArrayList<>(session.attached)) {
			job.clients.remove(session);
			if (job.clients.isEmpty() && !job.background) {
				abandon(job);
			}
		}
		session.attached.clear();
		session.discardOutbox();
		this.dispatcher.resetAbilities(session);
		logger.debug("{} disconnected", session);
	}

	/**
	 * The last client of a foreground job left: a queued job is dropped at once, a running one finishes and its
	 * result is discarded. A background job a foreground client had coalesced onto stays (gearmand drops it).
	 */
	private void abandon(Job job) {
		job.abandoned = true;
		if (job.state == JobState.QUEUED || job.state == JobState.SCHEDULED) {
			this.dispatcher.unqueue(job);
			this.state.release(job);
		}
	}

	/**
	 * Stops the engine thread after the commands already queued.
	 */
	@Override
	public void close() {
		try {
			// queued jobs' data buffers go back to their pool rather than to the garbage collector
			call((state) -> {
				state.releaseAllData();
				return null;
			});
		}
		catch (RejectedExecutionException ex) {
			// the loop has stopped already: the buffers are left to the garbage collector
		}
		if (!this.loop.shutdown(5000)) {
			logger.warn("Engine thread did not stop within 5 s");
		}
	}

}
