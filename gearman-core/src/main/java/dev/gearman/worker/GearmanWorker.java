package dev.gearman.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.connection.ServerAddress;
import dev.gearman.connection.Transport;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
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
 */
public final class GearmanWorker implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GearmanWorker.class);

	private final GearmanWorkerSettings settings;

	private final Map<String, FunctionRegistration> functions = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();

	private final AtomicInteger freeSlots;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final Object drained = new Object();

	private final Executor executor;

	private final @Nullable ExecutorService ownExecutor;

	private final Transport transport;

	private final List<WorkerConnection> connections = new ArrayList<>();

	private volatile boolean started;

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
		this.freeSlots = new AtomicInteger(settings.concurrency());
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
		for (ServerAddress address : settings.servers()) {
			this.connections.add(new WorkerConnection(address, this.transport, settings.connection(), this));
		}
	}

	/**
	 * Offers a function. May be called before or after {@link #start()}.
	 * @param registration the function
	 * @return this worker
	 */
	public GearmanWorker register(FunctionRegistration registration) {
		if (this.functions.putIfAbsent(registration.name(), registration) != null) {
			throw new IllegalStateException("function '" + registration.name() + "' is already registered");
		}
		this.active.put(registration.name(), new AtomicInteger());
		syncAll();
		return this;
	}

	/**
	 * Offers a function with no limit of its own and no timeout.
	 * @param name the function name
	 * @param handler the code
	 * @return this worker
	 */
	public GearmanWorker register(String name, GearmanFunction handler) {
		return register(FunctionRegistration.of(name, handler));
	}

	/**
	 * Connects to every server and starts taking jobs. Servers that are down are retried in the background.
	 */
	public synchronized void start() {
		if (this.started) {
			return;
		}
		this.started = true;
		for (WorkerConnection connection : this.connections) {
			connection.connect().exceptionally((failure) -> {
				logger.warn("Job server {} is not reachable yet; retrying in the background: {}",
						connection.address(), failure.getMessage());
				return null;
			});
		}
		logger.info("Gearman worker started with functions {} on {}", this.functions.keySet(), this.settings.servers());
	}

	/**
	 * Stops gracefully: asks for no more jobs, waits for the jobs in flight to finish, then disconnects.
	 * @param timeout how long to wait for jobs in flight
	 * @return {@code true} if every job finished in time
	 */
	public boolean stop(Duration timeout) {
		this.stopping = true;
		long deadline = System.nanoTime() + timeout.toNanos();
		boolean drainedInTime;
		synchronized (this.drained) {
			while (this.inFlight.get() > 0 && System.nanoTime() < deadline) {
				try {
					this.drained.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					break;
				}
			}
			drainedInTime = this.inFlight.get() == 0;
		}
		if (!drainedInTime) {
			logger.warn("{} jobs still running after {} ms; closing anyway (the server will requeue them)",
					this.inFlight.get(), timeout.toMillis());
		}
		for (WorkerConnection connection : this.connections) {
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
	 * Jobs running now.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Whether each configured server is connected.
	 * @return per server, {@code true} if connected
	 */
	public Map<ServerAddress, Boolean> connectivity() {
		Map<ServerAddress, Boolean> result = new java.util.LinkedHashMap<>();
		for (WorkerConnection connection : this.connections) {
			result.put(connection.address(), connection.isConnected());
		}
		return result;
	}

	GearmanWorkerSettings settings() {
		return this.settings;
	}

	Collection<FunctionRegistration> functions() {
		return this.functions.values();
	}

	boolean isStopping() {
		return this.stopping;
	}

	boolean hasRoom(String function) {
		FunctionRegistration registration = this.functions.get(function);
		return registration != null && !this.stopping
				&& (registration.concurrency() == 0 || this.active.get(function).get() < registration.concurrency());
	}

	boolean reserveSlot() {
		if (this.stopping) {
			return false;
		}
		while (true) {
			int free = this.freeSlots.get();
			if (free <= 0) {
				return false;
			}
			if (this.freeSlots.compareAndSet(free, free - 1)) {
				this.inFlight.incrementAndGet();
				return true;
			}
		}
	}

	void releaseSlot() {
		this.freeSlots.incrementAndGet();
		if (this.inFlight.decrementAndGet() == 0) {
			synchronized (this.drained) {
				this.drained.notifyAll();
			}
		}
		for (WorkerConnection connection : this.connections) {
			connection.execute(connection::tryGrab);
		}
	}

	/** Runs an assigned job on the executor; its slot was reserved when the job was asked for. */
	void run(JobContext job) {
		String function = Packet.fromUtf8(job.rawFunction());
		FunctionRegistration registration = this.functions.get(function);
		AtomicInteger count = this.active.get(function);
		if (registration == null || count == null) {
			send(job, Packet.requestWithData(PacketType.WORK_EXCEPTION,
					("no handler for function '" + function + "'").getBytes(StandardCharsets.UTF_8), job.handle()));
			releaseSlot();
			return;
		}
		if (registration.concurrency() > 0 && count.incrementAndGet() >= registration.concurrency()) {
			syncAll();
		}
		else if (registration.concurrency() == 0) {
			count.incrementAndGet();
		}
		try {
			this.executor.execute(() -> execute(registration, count, job));
		}
		catch (RejectedExecutionException ex) {
			count.decrementAndGet();
			releaseSlot();
			logger.warn("Executor refused job {} of '{}'; the server will requeue it when this worker disconnects",
					job.handle(), function);
		}
	}

	private void execute(FunctionRegistration registration, AtomicInteger count, JobContext job) {
		try {
			byte[] result = registration.handler().execute(job);
			byte[] data = (result != null) ? result : new byte[0];
			if (data.length > this.settings.maxResultSize()) {
				send(job, exception(job, "result of " + data.length + " bytes exceeds the maximum of "
						+ this.settings.maxResultSize()));
			}
			else {
				send(job, Packet.requestWithData(PacketType.WORK_COMPLETE, data, job.handle()));
			}
		}
		catch (FailJobException ex) {
			logger.debug("Job {} of '{}' failed: {}", job.handle(), registration.name(), ex.getMessage());
			send(job, Packet.request(PacketType.WORK_FAIL, job.handle()));
		}
		catch (Throwable ex) {
			logger.warn("Job {} of '{}' threw {}", job.handle(), registration.name(), ex.toString());
			logger.debug("Stack trace of the failed job", ex);
			send(job, exception(job, ex.getClass().getName() + ": " + ex.getMessage()));
		}
		finally {
			boolean wasFull = registration.concurrency() > 0 && count.get() >= registration.concurrency();
			count.decrementAndGet();
			if (wasFull) {
				syncAll();
			}
			releaseSlot();
		}
	}

	private static Packet exception(JobContext job, String message) {
		return Packet.requestWithData(PacketType.WORK_EXCEPTION, message.getBytes(StandardCharsets.UTF_8),
				job.handle());
	}

	private static void send(JobContext job, Packet packet) {
		Channel channel = job.channel();
		channel.writeAndFlush(packet, channel.voidPromise());
	}

	private void syncAll() {
		for (WorkerConnection connection : this.connections) {
			connection.execute(connection::syncRegistrations);
		}
	}

}
