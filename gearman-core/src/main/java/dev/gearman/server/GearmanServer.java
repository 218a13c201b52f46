package dev.gearman.server;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.protocol.GearmanDecoder;
import dev.gearman.protocol.GearmanEncoder;
import dev.gearman.protocol.PayloadSizedRecvByteBufAllocator;
import dev.gearman.server.engine.JobEngine;
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
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Gearman job server: a Netty listener in front of a {@link JobEngine}. Binary and admin text protocols share
 * the port, as with gearmand. Uses the native epoll transport where available.
 */
public final class GearmanServer implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(GearmanServer.class);

	private final GearmanServerSettings settings;

	private final JobStore store;

	private final AtomicInteger connections = new AtomicInteger();

	/**
	 * Every accepted connection, closed explicitly on stop: shutting the event loops down alone left a connection
	 * open now and then, so its peer never learned that the server had gone.
	 */
	private final ChannelGroup accepted = new DefaultChannelGroup("gearman-connections", GlobalEventExecutor.INSTANCE);

	private JobEngine engine;

	private EventLoopGroup bossGroup;

	private EventLoopGroup ioGroup;

	private Channel serverChannel;

	private volatile boolean running;

	/**
	 * Creates a server; {@link #start()} binds it.
	 * @param settings the settings, read at start
	 * @param store where background jobs are kept
	 */
	public GearmanServer(GearmanServerSettings settings, JobStore store) {
		this.settings = settings;
		this.store = store;
	}

	/**
	 * Starts the engine, replays stored jobs and then binds the port, so that no client sees a half-loaded queue.
	 * @throws GearmanServerException if the port cannot be bound
	 */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		long startNanos = System.nanoTime();
		boolean epoll = Epoll.isAvailable();
		IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
		this.bossGroup = new MultiThreadIoEventLoopGroup(1, factory);
		this.ioGroup = new MultiThreadIoEventLoopGroup(this.settings.getIoThreads(), factory);
		// the engine shares an I/O thread: with one I/O thread a request is read, dispatched and answered
		// without a single thread switch
		this.engine = new JobEngine(this.settings, this.store, this.ioGroup.next());
		long replayed;
		try {
			replayed = this.engine.replay();
		}
		catch (RuntimeException ex) {
			shutdownGroups();
			this.engine.close();
			throw ex;
		}
		if (replayed > 0) {
			logger.info("Replayed {} stored background jobs", replayed);
		}
		Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
				: NioServerSocketChannel.class;
		InetSocketAddress address = new InetSocketAddress(this.settings.getAddress(), this.settings.getPort());
		ServerBootstrap bootstrap = new ServerBootstrap().group(this.bossGroup, this.ioGroup)
			.channel(channelType)
			.option(ChannelOption.SO_BACKLOG, 1024)
			.option(ChannelOption.SO_REUSEADDR, true)
			.childOption(ChannelOption.TCP_NODELAY, true)
			.childOption(ChannelOption.SO_KEEPALIVE, true)
			// pause reading from a peer only when it lets megabytes of replies pile up, so one large result in
			// flight does not stall its connection's reads
			.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1024 * 1024, 4 * 1024 * 1024))
			.childHandler(new Initializer());
		try {
			this.serverChannel = bootstrap.bind(address).syncUninterruptibly().channel();
		}
		catch (Exception ex) {
			shutdownGroups();
			this.engine.close();
			String reason = (ex instanceof BindException) ? "the port is already in use or the address is not local"
					: ex.getMessage();
			throw new GearmanServerException("Could not bind the Gearman job server to " + address.getHostString()
					+ ":" + address.getPort() + ": " + reason, ex);
		}
		this.running = true;
		logger.info("Gearman job server listening on {}:{} ({} transport, handle prefix {}) in {} ms",
				address.getHostString(), port(), epoll ? "epoll" : "nio", this.settings.getHandlePrefix(),
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
	}

	/**
	 * The port the server listens on, useful when it was started on port 0.
	 * @return the bound port
	 */
	public int port() {
		return ((InetSocketAddress) this.serverChannel.localAddress()).getPort();
	}

	/**
	 * The engine, for health checks and metrics.
	 * @return the engine, or {@code null} before start
	 */
	public JobEngine engine() {
		return this.engine;
	}

	/**
	 * Whether the server is listening.
	 * @return {@code true} between start and stop
	 */
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Open connections.
	 * @return the number of connected peers
	 */
	public int connections() {
		return this.connections.get();
	}

	/**
	 * Stops listening, closes every connection and stops the engine. Queued background jobs stay in the store.
	 */
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.serverChannel.close().syncUninterruptibly();
		this.accepted.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
		shutdownGroups();
		this.engine.close();
		logger.info("Gearman job server on port {} stopped", ((InetSocketAddress) this.serverChannel.localAddress())
			.getPort());
	}

	@Override
	public void close() {
		stop();
	}

	private void shutdownGroups() {
		this.bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
		this.ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private final class Initializer extends ChannelInitializer<SocketChannel> {

		@Override
		protected void initChannel(SocketChannel channel) {
			int max = GearmanServer.this.settings.getMaxConnections();
			GearmanServer.this.accepted.add(channel);
			int open = GearmanServer.this.connections.incrementAndGet();
			channel.closeFuture().addListener((future) -> GearmanServer.this.connections.decrementAndGet());
			if (max > 0 && open > max) {
				logger.warn("Refusing connection from {}: {} connections open (limit {})", channel.remoteAddress(),
						open - 1, max);
				channel.close();
				return;
			}
			long maxPacket = GearmanServer.this.settings.getMaxPacketSize();
			long idleSeconds = GearmanServer.this.settings.getIdleTimeout().toSeconds();
			if (idleSeconds > 0) {
				channel.pipeline().addLast(new IdleStateHandler(0, 0, idleSeconds, TimeUnit.SECONDS));
			}
			GearmanDecoder decoder = new GearmanDecoder(maxPacket, true);
			channel.config().setRecvByteBufAllocator(new PayloadSizedRecvByteBufAllocator(decoder));
			channel.pipeline()
				.addLast(decoder)
				.addLast(GearmanEncoder.INSTANCE)
				.addLast(new ServerChannelHandler(GearmanServer.this.engine,
						Math.max(64L * 1024 * 1024, 2 * Math.min(maxPacket, Integer.MAX_VALUE))));
		}

	}

}
