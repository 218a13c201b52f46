package dev.gearman.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.server.access.AccessPolicy;
import dev.gearman.server.engine.SessionTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's replies over a Netty channel, with the two bounds that keep a hostile or slow peer from growing the
 * server's memory: reading stops while the peer has too many commands queued in the engine or while its replies
 * are not being read, and a peer that lets more than {@code maxPendingWrite} bytes of replies pile up is
 * disconnected.
 */
final class ChannelTransport implements SessionTransport {

	private static final Logger logger = LoggerFactory.getLogger(ChannelTransport.class);

	static final int PAUSE_AT_PENDING = 1024;

	static final int RESUME_AT_PENDING = 128;

	private final Channel channel;

	private final long maxPendingWrite;

	private final AtomicInteger pendingCommands = new AtomicInteger();

	/** Event-loop only. */
	private boolean pausedByEngine;

	/**
	 * Written on the event loop when a TLS handshake completes, read on the engine thread; the handshake completes
	 * before the first request is decoded, so every request is judged with the final identity.
	 */
	private volatile String identity = AccessPolicy.ANONYMOUS;

	ChannelTransport(Channel channel, long maxPendingWrite) {
		this.channel = channel;
		this.maxPendingWrite = maxPendingWrite;
	}

	/** Counts a command handed to the engine; called on the channel's event loop. */
	void commandQueued() {
		if (this.pendingCommands.incrementAndGet() >= PAUSE_AT_PENDING && !this.pausedByEngine) {
			this.pausedByEngine = true;
			updateAutoRead();
		}
	}

	@Override
	public void commandDone() {
		if (this.pendingCommands.decrementAndGet() == RESUME_AT_PENDING) {
			this.channel.eventLoop().execute(this::resumeIfDrained);
		}
	}

	private void resumeIfDrained() {
		if (this.pausedByEngine && this.pendingCommands.get() <= RESUME_AT_PENDING) {
			this.pausedByEngine = false;
			updateAutoRead();
		}
	}

	/** Called on the event loop when the pause reasons change. */
	void updateAutoRead() {
		this.channel.config().setAutoRead(!this.pausedByEngine && this.channel.isWritable());
	}

	@Override
	public void write(List<Object> messages) {
		if (this.channel.eventLoop().inEventLoop()) {
			// the engine runs on this connection's I/O thread: write at once
			writeNow(messages);
		}
		else {
			try {
				this.channel.eventLoop().execute(() -> writeNow(messages));
			}
			catch (RejectedExecutionException ex) {
				// the connection's event loop has stopped: the replies are lost, their buffers must not be
				messages.forEach(ReferenceCountUtil::release);
			}
		}
	}

	private void writeNow(List<Object> messages) {
		for (int i = 0; i < messages.size(); i++) {
			this.channel.write(messages.get(i), this.channel.voidPromise());
		}
		this.channel.flush();
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		if (buffer != null && buffer.totalPendingWriteBytes() > this.maxPendingWrite) {
			logger.warn("Closing connection from {}: {} bytes of replies not read by the peer (limit {})",
					remoteHost(), buffer.totalPendingWriteBytes(), this.maxPendingWrite);
			this.channel.close();
		}
	}

	@Override
	public void close() {
		if (this.channel.eventLoop().inEventLoop()) {
			this.channel.flush().close();
		}
		else {
			this.channel.eventLoop().execute(() -> this.channel.flush().close());
		}
	}

	/** Called on the event loop once the TLS handshake completed. */
	void identify(String identity) {
		this.identity = identity;
	}

	@Override
	public String identity() {
		return this.identity;
	}

	@Override
	public String remoteHost() {
		SocketAddress address = this.channel.remoteAddress();
		if (address instanceof InetSocketAddress inet) {
			return (inet.getAddress() != null) ? inet.getAddress().getHostAddress() : inet.getHostString();
		}
		return String.valueOf(address);
	}

}
