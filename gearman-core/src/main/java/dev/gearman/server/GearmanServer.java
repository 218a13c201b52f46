package dev.gearman.server;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.protocol.GearmanConstants;
import dev.gearman.protocol.GearmanDecoder;
import dev.gearman.protocol.GearmanEncoder;
import dev.gearman.protocol.PayloadSizedRecvByteBufAllocator;
import dev.gearman.protocol.ReadAheadBudget;
import dev.gearman.server.engine.EngineListener;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.access.AccessPolicy;
import dev.gearman.server.operations.ServerOperations;
import dev.gearman.server.store.JobStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Gearman job server: a Netty listener in front of a {@link JobEngine}. Binary and admin text protocols share
 * the port, as with gearmand. Uses the native epoll transport where available.
 * <p>
 * With {@link GearmanServerSettings#setTls TLS} the port speaks TLS only: Netty's {@link SslHandler} comes first in
 * each connection's pipeline and the protocol handlers behind it are unchanged; a second, plaintext listener can
 * stay open beside it ({@link GearmanServerSettings#setPlaintextPort}, on loopback by default). At start the
 * server warns about every listener beyond loopback that has no TLS, and about an open access policy beyond
 * loopback.
 * <p>
 * Its life is {@link State#NEW} → {@link State#REPLAYING} (the server joins its store and stored jobs are loaded,
 * the port is not open yet) →
 * {@link State#RUNNING} → {@link State#DRAINING} (the port is closed, running jobs may finish within the
 * shutdown timeout) → {@link State#STOPPED}. It logs one line when it starts and one when it stops.
 */
public final class GearmanServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GearmanServer.class);

	private final GearmanServerSettings settings;

	private final JobStore store;

	private final EngineListener listener;

	private final AtomicInteger connections = new AtomicInteger();

	/**
	 * Every accepted connection, closed explicitly at the end of a stop: a close issued from outside queues behind
	 * the replies already handed to the connection's event loop, and shutting the loops down alone left a connection
	 * open now and then, so its peer never learned that the server had gone.
	 */
	private final ChannelGroup channels = new DefaultChannelGroup("gearman-connections",
			GlobalEventExecutor.INSTANCE);

	/** Whether the last connection was refused for the connection limit; one WARN per burst of refusals. */
	private volatile boolean refusing;

	private AddressConnections perAddress;

	private ReplyLimits replyLimits;

	private ReadAheadBudget readAhead;

	private volatile State state = State.NEW;

	private volatile int boundPort = -1;

	private volatile int boundPlaintextPort = -1;

	private volatile @Nullable Instant startedAt;

	private JobEngine engine;

	private ServerOperations operations;

	private EventLoopGroup bossGroup;

	private EventLoopGroup ioGroup;

	private Channel serverChannel;

	private @Nullable Channel plaintextChannel;

	/**
	 * Creates a server; {@link #start()} binds it.
	 * @param settings the settings, read at start
	 * @param store where background jobs are kept
	 */
	public GearmanServer(GearmanServerSettings settings, JobStore store) {
		this(settings, store, EngineListener.NONE);
	}

	/**
	 * Creates a server that reports job events, e.g. to metrics; {@link #start()} binds it.
	 * @param settings the settings, read at start
	 * @param store where background jobs are kept
	 * @param listener receives the engine's job events on the engine thread
	 */
	public GearmanServer(GearmanServerSettings settings, JobStore store, EngineListener listener) {
		this.settings = settings;
		this.store = store;
		this.listener = listener;
	}

	/**
	 * Starts the engine, replays stored jobs and then binds the port, so that no client sees a half-loaded queue.
	 * @throws GearmanServerException if the port cannot be bound
	 */
	public synchronized void start() {
		if (this.state != State.NEW && this.state != State.STOPPED) {
			return;
		}
		long startNanos = System.nanoTime();
		boolean epoll = Epoll.isAvailable();
		IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		this.bossGroup = new MultiThreadIoEventLoopGroup(1, factory);
		this.ioGroup = new MultiThreadIoEventLoopGroup(this.settings.getIoThreads(), factory);
		// the engine shares an I/O thread: with one I/O thread a request is read, dispatched and answered
		// without a single thread switch
		this.engine = new JobEngine(this.settings, this.store, this.ioGroup.next(), this.listener);
		this.operations = new ServerOperations(this.engine, this.settings);
		this.perAddress = new AddressConnections(this.settings.getMaxConnectionsPerAddress());
		this.replyLimits = new ReplyLimits(this.settings.getReplyBudgetPerConnection(),
				this.settings.effectiveMaxReplyBytesPerConnection(),
				new ReplyMemory(this.settings.effectiveMaxReplyBytes()));
		this.readAhead = new ReadAheadBudget(this.settings.getMaxReadAhead());
		this.state = State.REPLAYING;
		long replayed;
		try {
			// a shared store registers this server and hands it the jobs of servers that stopped; one that cannot
			// be shared refuses to start if another server uses it
			this.store.join(this.engine);
			replayed = this.engine.replay();
		}
		catch (RuntimeException ex) {
			shutdownGroups();
			this.operations.close();
			this.engine.close();
			this.state = State.STOPPED;
			throw ex;
		}
		Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
				: NioServerSocketChannel.class;
		ServerTls tls = this.settings.getTls();
		InetSocketAddress address = new InetSocketAddress(this.settings.getAddress(), this.settings.getPort());
		InetSocketAddress plaintext = (this.settings.getPlaintextPort() >= 0)
				? new InetSocketAddress(this.settings.getPlaintextAddress(), this.settings.getPlaintextPort()) : null;
		Channel listener = null;
		try {
			listener = bind(channelType, address, tls);
			this.plaintextChannel = (plaintext != null) ? bind(channelType, plaintext, null) : null;
		}
		catch (GearmanServerException ex) {
			if (listener != null) {
				listener.close().syncUninterruptibly();
			}
			shutdownGroups();
			this.operations.close();
			this.engine.close();
			this.state = State.STOPPED;
			throw ex;
		}
		this.serverChannel = listener;
		this.boundPort = ((InetSocketAddress) this.serverChannel.localAddress()).getPort();
		this.boundPlaintextPort = (this.plaintextChannel != null)
				? ((InetSocketAddress) this.plaintextChannel.localAddress()).getPort() : -1;
		this.startedAt = Instant.now();
		this.state = State.RUNNING;
		String listeners = address.getHostString() + ":" + this.boundPort
				+ ((tls != null) ? " with TLS (" + tls.provider() + ")" : "")
				+ ((plaintext != null) ? " and on " + plaintext.getHostString() + ":" + this.boundPlaintextPort
						+ " without TLS" : "");
		logger.info("Gearman job server listening on {} ({} transport, handle prefix {}, {} stored jobs replayed)"
				+ " in {} ms", listeners, epoll ? "epoll" : "nio",
				this.engine.handlePrefix(), replayed, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
		if (this.settings.getMaxPacketSize() > GearmanConstants.MAX_HEAP_PACKET_SIZE) {
			logger.warn("Max packet size {} is more than one Java array or buffer holds; packets announcing more than"
					+ " {} bytes are refused", this.settings.getMaxPacketSize(), GearmanConstants.MAX_HEAP_PACKET_SIZE);
		}
		warnIfExposed(this.serverChannel, tls != null);
		if (this.plaintextChannel != null) {
			warnIfExposed(this.plaintextChannel, false);
		}
	}

	private Channel bind(Class<? extends ServerChannel> channelType, InetSocketAddress address,
			@Nullable ServerTls tls) {
		ServerBootstrap bootstrap = new ServerBootstrap().group(this.bossGroup, this.ioGroup)
			.channel(channelType)
			.option(ChannelOption.SO_BACKLOG, 1024)
			.option(ChannelOption.SO_REUSEADDR, true)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childOption(ChannelOption.SO_KEEPALIVE, true)
			// pause reading from a peer only when it lets megabytes of replies pile up, so one large result in
			// flight does not stall its connection's reads
			.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1024 * 1024, 4 * 1024 * 1024))
			.childHandler(new Initializer(tls));
		try {
			return bootstrap.bind(address).syncUninterruptibly().channel();
		}
		catch (Exception ex) {
			String reason = (ex instanceof BindException) ? "the port is already in use or the address is not local"
					: ex.getMessage();
			throw new GearmanServerException("Could not bind the Gearman job server to " + address.getHostString()
					+ ":" + address.getPort() + ": " + reason, ex);
		}
	}

	/**
	 * Says so when a listener beyond loopback lets anyone in: the network can read and forge every payload and
	 * result without TLS, and without an access list anyone who reaches the port may cancel jobs, change queue
	 * limits or register as a worker for any function and so read its payloads.
	 */
	private void warnIfExposed(Channel listener, boolean tls) {
		InetSocketAddress local = (InetSocketAddress) listener.localAddress();
		if (local.getAddress() != null && local.getAddress().isLoopbackAddress()) {
			return;
		}
		String where = local.getHostString() + ":" + local.getPort();
		if (!tls) {
			logger.warn("Gearman job server listens on {} beyond loopback without TLS: payloads, results and admin"
					+ " commands cross the network in clear text (configure TLS, or bind to 127.0.0.1)", where);
		}
		AccessPolicy policy = this.settings.getAccessPolicy();
		if (policy.isOpen()) {
			logger.warn("Gearman job server listens on {} beyond loopback with open access: anyone who reaches it may"
					+ " submit, work on any function, cancel jobs and change queue limits (configure access rules)",
					where);
		}
	}

	/**
	 * The port the server listens on, useful when it was started on port 0.
	 * @return the bound port
	 */
	public int port() {
		return this.boundPort;
	}

	/**
	 * The port of the plaintext listener beside a TLS port.
	 * @return the bound port, or -1 if there is none
	 */
	public int plaintextPort() {
		return this.boundPlaintextPort;
	}

	/**
	 * Where the server is in its life, for health checks.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * When the server last started listening.
	 * @return the time, or {@code null} if it never started
	 */
	public @Nullable Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * The version the server reports (the admin command {@code version}).
	 * @return the version
	 */
	public String version() {
		return this.settings.getVersion();
	}

	/**
	 * The store the server keeps background jobs in.
	 * @return the store
	 */
	public JobStore store() {
		return this.store;
	}

	/**
	 * The engine, for health checks and metrics.
	 * @return the engine, or {@code null} before start
	 */
	public JobEngine engine() {
		return this.engine;
	}

	/**
	 * What operators do with failed jobs: dead letters and job history.
	 * @return the operations, or {@code null} before start
	 */
	public ServerOperations operations() {
		return this.operations;
	}

	/**
	 * Whether the engine runs: listening, or draining for shutdown.
	 * @return {@code true} between start and the end of stop
	 */
	public boolean isRunning() {
		State current = this.state;
		return current == State.RUNNING || current == State.DRAINING;
	}

	/**
	 * Open connections.
	 * @return the number of connected peers
	 */
	public int connections() {
		return this.connections.get();
	}

	/**
	 * Stops gracefully: stops handing out jobs, closes the port, waits up to the settings' shutdown timeout for
	 * running jobs to finish and report, then closes every connection and stops the engine. Queued background
	 * jobs stay in the store; a job still running at the timeout is, if stored, run again after a restart.
	 */
	public synchronized void stop() {
		if (this.state != State.RUNNING) {
			return;
		}
		long startNanos = System.nanoTime();
		this.state = State.DRAINING;
		Duration timeout = this.settings.getShutdownTimeout();
		// the engine stops handing out jobs before the port closes: a worker that saw the port close gets none
		CompletableFuture<Void> drained = timeout.isZero() ? null : beginDrain();
		this.serverChannel.close().syncUninterruptibly();
		if (this.plaintextChannel != null) {
			this.plaintextChannel.close().syncUninterruptibly();
		}
		int unfinished = (drained != null) ? awaitDrained(drained, timeout) : 0;
		// a close issued from here queues behind the writes the engine already handed to each channel's event
		// loop, so the last results reach their clients; shutting the loops down directly would drop them
		this.channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
		// the operations first (they use the engine), then the engine, while its event loop still runs: queued jobs
		// hand their data buffers back to the pool
		this.operations.close();
		this.engine.close();
		shutdownGroups();
		this.state = State.STOPPED;
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
		if (unfinished > 0) {
			logger.warn("Gearman job server on port {} stopped in {} ms; {} running jobs did not finish within {}",
					this.boundPort, millis, unfinished, this.settings.getShutdownTimeout());
		}
		else {
			logger.info("Gearman job server on port {} stopped in {} ms", this.boundPort, millis);
		}
	}

	/** Tells the engine to drain and waits until it has taken that in. */
	private CompletableFuture<Void> beginDrain() {
		CompletableFuture<Void> started = new CompletableFuture<>();
		CompletableFuture<Void> drained = this.engine.drain(started);
		try {
			started.get(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.debug("The engine did not answer within 1 s while starting to drain", ex);
		}
		return drained;
	}

	/** Waits for running jobs; returns how many still run at the timeout. */
	private int awaitDrained(CompletableFuture<Void> drained, Duration timeout) {
		try {
			drained.get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
			return 0;
		}
		catch (TimeoutException ex) {
			return runningJobs();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return runningJobs();
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Draining the engine failed", ex.getCause());
		}
	}

	private int runningJobs() {
		try {
			return this.engine.snapshot().get(1, TimeUnit.SECONDS).runningJobs();
		}
		catch (Exception ex) {
			return -1;
		}
	}

	@Override
	public void close() {
		stop();
	}

	private void shutdownGroups() {
		this.bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
		this.ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private void refuse(SocketChannel channel, int open, int max) {
		// a client that reconnects in a loop must not flood the log: one WARN until a connection is accepted again
		if (!this.refusing) {
			this.refusing = true;
			logger.warn("Refusing connections: {} open, the limit is {} (first refused: {})", open, max,
					channel.remoteAddress());
		}
		else {
			logger.debug("Refusing connection from {}: {} open (limit {})", channel.remoteAddress(), open, max);
		}
		channel.close();
	}

	/**
	 * Where a server is in its life.
	 */
	public enum State {

		/** Created, not started. */
		NEW,

		/** Loading stored jobs; the port is not open yet. */
		REPLAYING,

		/** Listening and serving. */
		RUNNING,

		/** Stopping: the port is closed, running jobs finish, nothing new is handed out. */
		DRAINING,

		/** Stopped, or failed to start. */
		STOPPED

	}

	private final class Initializer extends ChannelInitializer<SocketChannel> {

		private final @Nullable ServerTls tls;

		Initializer(@Nullable ServerTls tls) {
			this.tls = tls;
		}

		@Override
		protected void initChannel(SocketChannel channel) {
			int max = GearmanServer.this.settings.getMaxConnections();
			GearmanServer.this.channels.add(channel);
			int open = GearmanServer.this.connections.incrementAndGet();
			channel.closeFuture().addListener((future) -> GearmanServer.this.connections.decrementAndGet());
			if (max > 0 && open > max) {
				refuse(channel, open - 1, max);
				return;
			}
			if (GearmanServer.this.perAddress.refused(channel)) {
				return;
			}
			GearmanServer.this.refusing = false;
			if (this.tls != null) {
				// first, so every other handler sees plaintext; a peer that never completes its handshake is closed
				// after the handshake timeout, whatever the idle timeout says
				channel.pipeline().addLast(this.tls.newHandler(channel.alloc()));
			}
			long maxPacket = GearmanServer.this.settings.getMaxPacketSize();
			long idleMillis = GearmanServer.this.settings.getIdleTimeout().toMillis();
			if (idleMillis > 0) {
				channel.pipeline().addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
			}
			// large payloads stay in direct buffers from the read that completes them to the write that sends them on;
			// behind TLS the reads are ciphertext, so they cannot go straight into a payload's buffer
			GearmanDecoder decoder = new GearmanDecoder(maxPacket, true, true, GearmanServer.this.readAhead);
			channel.config().setRecvByteBufAllocator(new PayloadSizedRecvByteBufAllocator(decoder, this.tls == null));
			channel.pipeline()
				.addLast(decoder)
				.addLast(GearmanEncoder.INSTANCE)
				.addLast(new ServerChannelHandler(GearmanServer.this.engine, decoder, GearmanServer.this.replyLimits,
						GearmanServer.this.settings.getFirstPacketTimeout()));
		}

	}

}
