package dev.gearman.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.GearmanDecoder;
import dev.gearman.protocol.GearmanEncoder;
import dev.gearman.protocol.Packet;
import dev.gearman.tls.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's or worker's connection to one job server, re-established in the background with capped
 * exponential backoff and jitter after it fails. While a server is down, {@link #connect()} fails at once, so a
 * caller can move on to the next server instead of waiting.
 * <p>
 * With {@link ConnectionSettings#tls() TLS} a connection counts as made only once its handshake completed: a
 * server whose certificate is not trusted, or not issued for the host connected to, fails {@link #connect()} like
 * a server that is down.
 * <p>
 * Subclasses get the packets of the connection on its event loop, which is also where they keep their
 * per-connection state.
 */
public abstract class ManagedConnection {

	private static final Logger logger = LoggerFactory.getLogger(ManagedConnection.class);

	protected final ServerAddress address;

	private final Bootstrap bootstrap;

	private final Backoff backoff;

	private @Nullable Channel channel;

	/**
	 * Callers of {@link #connect()} waiting for the attempt under way, in call order; {@code null} when no attempt
	 * is under way. Each caller has a future of its own, completed in call order, so that requests written from
	 * their callbacks go out in the order the callers asked.
	 */
	private @Nullable List<CompletableFuture<Channel>> waiters;

	private long downUntilNanos;

	private boolean reconnectScheduled;

	private volatile boolean closed;

	private volatile boolean wasConnected;

	/** Why the last attempt failed, told to callers turned away while the server is in its backoff window. */
	private volatile @Nullable GearmanConnectionException lastFailure;

	/** Whether a failed TLS handshake was logged at WARN since the last success; repeats go to DEBUG. */
	private volatile boolean tlsFailureLogged;

	/**
	 * Creates a connection; nothing is connected until {@link #connect()}.
	 * @param address the job server
	 * @param transport the event loops
	 * @param settings connect timeout, backoff and packet size limit
	 */
	protected ManagedConnection(ServerAddress address, Transport transport, ConnectionSettings settings) {
		this.address = address;
		this.backoff = new Backoff(settings.reconnectInitial(), settings.reconnectMax());
		long maxPacketSize = settings.maxPacketSize();
		ClientTls tls = settings.tls();
		this.bootstrap = new Bootstrap().group(transport.group())
			.channel(transport.channelType())
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.SO_KEEPALIVE, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
			.handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel ch) {
					if (tls != null) {
						ch.pipeline().addLast(tls.newHandler(ch.alloc(), address, settings.connectTimeout()));
					}
					ch.pipeline()
						.addLast(new GearmanDecoder(maxPacketSize, false))
						.addLast(GearmanEncoder.INSTANCE)
						.addLast(new Handler());
				}
			});
	}

	/**
	 * The server this connection is for.
	 * @return the address
	 */
	public ServerAddress address() {
		return this.address;
	}

	/**
	 * Whether the connection is up.
	 * @return {@code true} if connected
	 */
	public synchronized boolean isConnected() {
		return this.channel != null && this.channel.isActive();
	}

	/**
	 * The connected channel, or a connection attempt. Fails at once while the server is in its backoff window
	 * after a failure. Every call returns a future of its own; futures of calls made while an attempt is under
	 * way complete in call order, and before any future of a later call.
	 * @return the channel, once connected and set up by {@link #onConnected}
	 */
	public CompletableFuture<Channel> connect() {
		return connect(false);
	}

	/**
	 * @param reconnecting the background reconnect, which waited out the backoff already: its timer may fire a
	 * little before the window ends, and must not be turned away, or nothing would try again
	 */
	private synchronized CompletableFuture<Channel> connect(boolean reconnecting) {
		if (this.closed) {
			return CompletableFuture.failedFuture(new GearmanConnectionException("connection to " + this.address
					+ " is closed"));
		}
		if (this.waiters != null) {
			// connecting, or still handing the new channel to earlier callers: queue up behind them
			CompletableFuture<Channel> waiter = new CompletableFuture<>();
			this.waiters.add(waiter);
			return waiter;
		}
		if (this.channel != null && this.channel.isActive()) {
			return CompletableFuture.completedFuture(this.channel);
		}
		long wait = this.downUntilNanos - System.nanoTime();
		if (wait > 0 && !reconnecting) {
			String down = "job server " + this.address + " is down; next attempt in "
					+ TimeUnit.NANOSECONDS.toMillis(wait) + " ms";
			GearmanConnectionException last = this.lastFailure;
			return CompletableFuture.failedFuture((last != null)
					? new GearmanConnectionException(down + " (last attempt: " + last.getMessage() + ")", last)
					: new GearmanConnectionException(down));
		}
		CompletableFuture<Channel> waiter = new CompletableFuture<>();
		this.waiters = new ArrayList<>();
		this.waiters.add(waiter);
		this.bootstrap.connect(this.address.host(), this.address.port()).addListener((ChannelFuture future) -> connected(future));
		return waiter;
	}

	private void connected(ChannelFuture future) {
		if (!future.isSuccess()) {
			if (this.wasConnected) {
				logger.debug("Reconnecting to {} failed: {}", this.address, future.cause().toString());
			}
			failed(new GearmanConnectionException(
					"cannot connect to job server " + this.address + ": " + future.cause().getMessage(),
					future.cause()));
			return;
		}
		SslHandler ssl = future.channel().pipeline().get(SslHandler.class);
		if (ssl == null) {
			established(future.channel());
			return;
		}
		// requests wait for the handshake: a server that cannot prove who it is never sees one
		ssl.handshakeFuture().addListener((handshake) -> {
			if (handshake.isSuccess()) {
				this.tlsFailureLogged = false;
				established(future.channel());
				return;
			}
			String reason = TlsContexts.reason(handshake.cause());
			if (!this.tlsFailureLogged) {
				this.tlsFailureLogged = true;
				logger.warn("TLS handshake with job server {} failed: {}", this.address, reason);
			}
			else {
				logger.debug("TLS handshake with job server {} failed again: {}", this.address, reason);
			}
			failed(new GearmanConnectionException("TLS handshake with job server " + this.address + " failed: "
					+ reason, handshake.cause()));
		});
	}

	/** An attempt failed: every waiting caller learns why, and the server is left alone for the backoff. */
	private void failed(GearmanConnectionException failure) {
		List<CompletableFuture<Channel>> failed;
		this.lastFailure = failure;
		synchronized (this) {
			failed = takeWaiters(false);
			this.downUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.backoff.nextDelayMillis());
		}
		failed.forEach((waiter) -> waiter.completeExceptionally(failure));
		scheduleReconnect();
	}

	private void established(Channel ch) {
		this.lastFailure = null;
		synchronized (this) {
			if (this.closed) {
				List<CompletableFuture<Channel>> failed = takeWaiters(false);
				ch.close();
				GearmanConnectionException failure = new GearmanConnectionException("connection to " + this.address
						+ " is closed");
				failed.forEach((waiter) -> waiter.completeExceptionally(failure));
				return;
			}
			this.channel = ch;
		}
		this.backoff.reset();
		if (this.wasConnected) {
			logger.info("Reconnected to job server {}", this.address);
		}
		this.wasConnected = true;
		ch.eventLoop().execute(() -> {
			onConnected(ch);
			handOver(ch);
		});
	}

	/**
	 * Completes the waiting callers in call order, including those who arrive while this runs; only when none is
	 * left do new callers get the channel directly, so none of them overtakes an earlier one.
	 */
	private void handOver(Channel ch) {
		while (true) {
			List<CompletableFuture<Channel>> batch;
			synchronized (this) {
				boolean last = this.waiters == null || this.waiters.isEmpty();
				batch = takeWaiters(!last);
				if (last) {
					return;
				}
			}
			batch.forEach((waiter) -> waiter.complete(ch));
		}
	}

	/** Takes the waiting callers; with {@code more}, later callers keep queueing for the next batch. */
	private List<CompletableFuture<Channel>> takeWaiters(boolean more) {
		List<CompletableFuture<Channel>> taken = (this.waiters != null) ? this.waiters : List.of();
		this.waiters = more ? new ArrayList<>() : null;
		return taken;
	}

	private void scheduleReconnect() {
		long delay;
		synchronized (this) {
			if (this.closed || this.reconnectScheduled || !reconnectInBackground()) {
				return;
			}
			this.reconnectScheduled = true;
			delay = Math.max(1, TimeUnit.NANOSECONDS.toMillis(this.downUntilNanos - System.nanoTime()));
		}
		this.bootstrap.config().group().schedule(() -> {
			synchronized (this) {
				this.reconnectScheduled = false;
			}
			connect(true);
		}, delay, TimeUnit.MILLISECONDS);
	}

	/**
	 * Whether to reconnect in the background after a failure, or only when {@link #connect()} is called.
	 * @return {@code true} to keep the connection up
	 */
	protected abstract boolean reconnectInBackground();

	/**
	 * Called on the event loop when the connection is up, before {@link #connect()}'s future completes: the place
	 * to send registration packets so they precede everything else.
	 * @param channel the new channel
	 */
	protected abstract void onConnected(Channel channel);

	/**
	 * Called on the event loop for every packet received.
	 * @param channel the channel
	 * @param packet the packet
	 */
	protected abstract void onPacket(Channel channel, Packet packet);

	/**
	 * Called on the event loop when an established connection is lost.
	 * @param channel the lost channel
	 */
	protected abstract void onDisconnected(Channel channel);

	/**
	 * Closes the connection for good.
	 * @param timeout how long to wait for the close
	 */
	public void close(Duration timeout) {
		Channel ch = closeWithoutWaiting();
		if (ch != null && !ch.closeFuture().awaitUninterruptibly(timeout.toMillis())) {
			ch.close();
		}
	}

	/**
	 * Closes the connection for good without waiting, e.g. from its own event loop: what was written so far goes
	 * out first.
	 * @return the channel being closed, {@code null} if none was open
	 */
	protected @Nullable Channel closeWithoutWaiting() {
		Channel ch;
		synchronized (this) {
			this.closed = true;
			ch = this.channel;
			this.channel = null;
		}
		// callers waiting for an attempt under way learn when it ends (connected() sees closed)
		if (ch != null) {
			// close once everything written so far (e.g. a large WORK_COMPLETE) has left, not before
			ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((future) -> ch.close());
		}
		return ch;
	}

	/** Whether a channel got past its TLS handshake (a plaintext one always does). */
	private static boolean isEstablished(Channel ch) {
		SslHandler ssl = ch.pipeline().get(SslHandler.class);
		return ssl == null || ssl.handshakeFuture().isSuccess();
	}

	protected boolean isClosed() {
		return this.closed;
	}

	private final class Handler extends SimpleChannelInboundHandler<Packet> {

		@Override
		protected void channelRead0(ChannelHandlerContext ctx, Packet packet) {
			onPacket(ctx.channel(), packet);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			if (!isEstablished(ctx.channel())) {
				// a failed TLS handshake: connected() has failed its callers and scheduled the next attempt
				ctx.fireChannelInactive();
				return;
			}
			long delay = ManagedConnection.this.backoff.nextDelayMillis();
			synchronized (ManagedConnection.this) {
				if (ManagedConnection.this.channel == ctx.channel()) {
					ManagedConnection.this.channel = null;
				}
				ManagedConnection.this.downUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
			}
			if (!isClosed()) {
				logger.warn("Lost connection to job server {}; reconnecting in {} ms", ManagedConnection.this.address,
						delay);
			}
			onDisconnected(ctx.channel());
			scheduleReconnect();
			ctx.fireChannelInactive();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			if (TlsContexts.isTlsFailure(cause) && !isEstablished(ctx.channel())) {
				// a failed handshake: connected() logs it and fails the callers waiting for it
				logger.debug("TLS failure connecting to job server {}: {}", ManagedConnection.this.address,
						cause.toString());
				ctx.close();
				return;
			}
			logger.warn("Closing connection to job server {}: {}", ManagedConnection.this.address, cause.toString());
			ctx.close();
		}

	}

}
