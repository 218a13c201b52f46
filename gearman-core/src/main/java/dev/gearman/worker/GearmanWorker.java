package dev.gearman.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import dev.gearman.connection.ServerAddress;
import dev.gearman.connection.Transport;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.retry.RetryPolicy;
import io.netty.channel.Channel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Gearman worker: offers functions to every configured job server and runs the jobs they assign on an
 * executor, at most {@link GearmanWorkerSettings#concurrency()} at once (and at most each function's own limit).
 * Reconnects and re-registers after a server restart. A handler that throws, hangs or returns too much does not
 * take the worker down. Thread-safe.
 * <p>
 * Functions without a limit of their own share one connection per server; a function with a per-function limit
 * has a connection per server of its own (see {@link WorkerLane}), so that a job the worker grabs always has a
 * free slot and the worker never has to unregister a busy function.
 */
public final class GearmanWorker implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GearmanWorker.class);

	private final GearmanWorkerSettings settings;

	private final Map<String, FunctionRegistration> functions = new ConcurrentHashMap<>();

	private final List<WorkerLane> lanes = new CopyOnWriteArrayList<>();

	/** Functions without a limit of their own; connected even while empty, so the worker shows as connected. */
	private final WorkerLane sharedLane = WorkerLane.shared();

	/** Guards the slot counts below and the lanes' {@code active} counts. */
	private final Object slots = new Object();

	private int freeSlots;

	private volatile int inFlight;

	private final Executor executor;

	private final @Nullable ExecutorService ownExecutor;

	private final Transport transport;

	private boolean started;

	private volatile boolean stopping;

	/**
	 * Creates a worker that runs jobs on a pool of its own, one thread per slot.
	 * @param settings the settings
	 */
	public GearmanWorker(GearmanWorkerSettings settings) {
		this(settings, null);
	}

	/**
	 * Creates a worker that runs jobs on the given executor, e.g. one of virtual threads.
	 * @param settings the settings
	 * @param executor where handlers run; {@code null} for a pool of the worker's own
	 */
	public GearmanWorker(GearmanWorkerSettings settings, @Nullable Executor executor) {
		this.settings = settings;
		this.freeSlots = settings.concurrency();
		if (executor == null) {
			this.ownExecutor = Executors.newFixedThreadPool(settings.concurrency(),
					new DefaultThreadFactory("gearman-worker", true));
			this.executor = this.ownExecutor;
		}
		else {
			this.ownExecutor = null;
			this.executor = executor;
		}
		this.transport = new Transport("gearman-worker-io", 1);
		openLane(this.sharedLane);
	}

	/**
	 * Offers a function. May be called before or after {@link #start()}; a function registered on a running
	 * worker is offered to every server at once.
	 * @param registration the function
	 * @return this worker
	 */
	public synchronized GearmanWorker register(FunctionRegistration registration) {
		if (this.stopping) {
			throw new IllegalStateException("worker is stopping; cannot register '" + registration.name() + "'");
		}
		if (this.functions.putIfAbsent(registration.name(), registration) != null) {
			throw new IllegalStateException("function '" + registration.name() + "' is already registered");
		}
		if (registration.concurrency() > 0) {
			openLane(WorkerLane.limitedTo(registration));
		}
		else {
			this.sharedLane.add(registration);
			for (WorkerConnection connection : this.sharedLane.connections()) {
				connection.execute(connection::syncRegistrations);
			}
		}
		return this;
	}

	/**
	 * Offers a function with no limit of its own and no timeout.
	 * @param name the function name
	 * @param handler the code
	 * @return this worker
	 */
	public GearmanWorker register(String name, JobHandler handler) {
		return register(FunctionRegistration.of(name, handler));
	}

	private void openLane(WorkerLane lane) {
		for (ServerAddress address : this.settings.servers()) {
			lane.connections().add(new WorkerConnection(address, this.transport, this.settings.connection(), this,
					lane));
		}
		this.lanes.add(lane);
		if (this.started) {
			connect(lane);
		}
	}

	private static void connect(WorkerLane lane) {
		for (WorkerConnection connection : lane.connections()) {
			connection.connect().exceptionally((failure) -> {
				logger.warn("Job server {} is not reachable yet; retrying in the background: {}",
						connection.address(), failure.getMessage());
				return null;
			});
		}
	}

	/**
	 * Connects to every server and starts taking jobs. Servers that are down are retried in the background.
	 */
	public synchronized void start() {
		if (this.started) {
			return;
		}
		this.started = true;
		for (WorkerLane lane : this.lanes) {
			connect(lane);
		}
		logger.info("Gearman worker started with functions {} on {}", this.functions.keySet(), this.settings.servers());
	}

	/**
	 * Stops gracefully: asks for no more jobs, waits for the jobs in flight to finish, then disconnects.
	 * @param timeout how long to wait for jobs in flight
	 * @return {@code true} if every job finished in time
	 */
	public boolean stop(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean drainedInTime;
		synchronized (this) {
			// no function registered from now on opens new connections
			this.stopping = true;
		}
		synchronized (this.slots) {
			// a reservation made before the flag was seen is counted in inFlight by now
			while (this.inFlight > 0 && System.nanoTime() < deadline) {
				try {
					this.slots.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			drainedInTime = this.inFlight == 0;
		}
		if (!drainedInTime) {
			logger.warn("{} jobs still running after {} ms; closing anyway (the server will requeue them)",
					this.inFlight, timeout.toMillis());
		}
		for (WorkerConnection connection : connections()) {
			connection.close(Duration.ofSeconds(2));
		}
		if (this.ownExecutor != null) {
			this.ownExecutor.shutdownNow();
		}
		this.transport.close();
		return drainedInTime;
	}

	@Override
	public void close() {
		stop(Duration.ofSeconds(10));
	}

	/**
	 * Jobs running now, or asked for.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight;
	}

	/**
	 * Whether each configured server is connected.
	 * @return per server, {@code true} if every connection of this worker to it is up
	 */
	public Map<ServerAddress, Boolean> connectivity() {
		Map<ServerAddress, Boolean> result = new LinkedHashMap<>();
		for (ServerAddress address : this.settings.servers()) {
			result.put(address, true);
		}
		for (WorkerConnection connection : connections()) {
			if (!connection.isConnected()) {
				result.put(connection.address(), false);
			}
		}
		return result;
	}

	GearmanWorkerSettings settings() {
		return this.settings;
	}

	boolean isStopping() {
		return this.stopping;
	}

	private List<WorkerConnection> connections() {
		List<WorkerConnection> all = new ArrayList<>();
		for (WorkerLane lane : this.lanes) {
			all.addAll(lane.connections());
		}
		return all;
	}

	/**
	 * Reserves a slot for a job of the lane, before asking a server for one.
	 * @return {@code false} if the worker or the lane is full, or the worker is stopping
	 */
	boolean reserveSlot(WorkerLane lane) {
		synchronized (this.slots) {
			if (this.stopping || this.freeSlots <= 0 || (lane.limit() > 0 && lane.active >= lane.limit())) {
				return false;
			}
			this.freeSlots--;
			lane.active++;
			this.inFlight++;
			return true;
		}
	}

	/** Gives a slot back, and lets every connection that waits for one ask for a job. */
	void returnSlot(WorkerLane lane) {
		synchronized (this.slots) {
			this.freeSlots++;
			lane.active--;
			this.inFlight--;
			if (this.inFlight == 0) {
				this.slots.notifyAll();
			}
		}
		if (this.stopping) {
			return;
		}
		for (WorkerConnection connection : connections()) {
			connection.execute(connection::tryGrab);
		}
	}

	/** Runs an assigned job on the executor; its slot was reserved when the job was asked for. */
	void run(JobContext job, WorkerLane lane) {
		String function = Packet.fromUtf8(job.rawFunction());
		FunctionRegistration registration = lane.function(function);
		if (registration == null) {
			logger.warn("Job server assigned job {} of '{}', which this connection did not register", job.handle(),
					function);
			send(job, exception(job, "no handler for function '" + function + "'"));
			returnSlot(lane);
			return;
		}
		try {
			this.executor.execute(() -> execute(registration, job, lane));
		}
		catch (RejectedExecutionException ex) {
			returnSlot(lane);
			logger.warn("Executor refused job {} of '{}'; the server will requeue it when this worker disconnects",
					job.handle(), function);
		}
	}

	private void execute(FunctionRegistration registration, JobContext job, WorkerLane lane) {
		try {
			byte[] result = registration.handler().execute(job);
			byte[] data = (result != null) ? result : new byte[0];
			if (data.length > this.settings.maxResultSize()) {
				logger.warn("Job {} of '{}' returned {} bytes, more than the maximum of {}; sending an exception",
						job.handle(), registration.name(), data.length, this.settings.maxResultSize());
				send(job, exception(job, "result of " + data.length + " bytes exceeds the maximum of "
						+ this.settings.maxResultSize()));
			}
			else {
				send(job, Packet.requestWithData(PacketType.WORK_COMPLETE, data, job.handle()));
			}
		}
		catch (FailJobException ex) {
			failed(job, registration, ex.getMessage());
		}
		catch (Throwable ex) {
			DoNotRetryException noRetry = noRetry(ex);
			if (noRetry != null) {
				logger.debug("Job {} of '{}' must not be retried: {}", job.handle(), registration.name(),
						noRetry.getMessage());
				logger.debug("Stack trace of the job that must not be retried", ex);
				send(job, exception(job, noRetry.exceptionText()));
				return;
			}
			logger.warn("Job {} of '{}' threw {}", job.handle(), registration.name(), ex.toString());
			logger.debug("Stack trace of the failed job", ex);
			String marker = (ex instanceof PermanentJobFailure) ? RetryPolicy.NO_RETRY_MARKER + " " : "";
			send(job, exception(job, marker + ex.getClass().getName() + ": " + ex.getMessage()));
		}
		finally {
			returnSlot(lane);
		}
	}

	/**
	 * WORK_FAIL has no room for text, so the reason goes first as a WORK_WARNING: every client sees it as a warning,
	 * ours take the warning right before WORK_FAIL as the reason.
	 */
	private static void failed(JobContext job, FunctionRegistration registration, @Nullable String reason) {
		logger.info("Job {} of '{}' failed: {}", job.handle(), registration.name(), reason);
		if (reason != null && !reason.isEmpty()) {
			send(job, Packet.requestWithData(PacketType.WORK_WARNING, reason.getBytes(StandardCharsets.UTF_8),
					job.handle()));
		}
		send(job, Packet.request(PacketType.WORK_FAIL, job.handle()));
	}

	/** The {@link DoNotRetryException} a failure is or was caused by, if any. */
	private static @Nullable DoNotRetryException noRetry(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < 16; depth++) {
			if (cause instanceof DoNotRetryException noRetry) {
				return noRetry;
			}
			cause = cause.getCause();
		}
		return null;
	}

	private static Packet exception(JobContext job, String message) {
		return Packet.requestWithData(PacketType.WORK_EXCEPTION, message.getBytes(StandardCharsets.UTF_8),
				job.handle());
	}

	private static void send(JobContext job, Packet packet) {
		Channel channel = Objects.requireNonNull(job.channel(), "a job the worker was assigned has its connection");
		channel.writeAndFlush(packet, channel.voidPromise());
	}

}
