package dev.gearman.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.gearman.server.access.AccessPolicy;
import dev.gearman.protocol.GearmanDecoder;
import dev.gearman.server.engine.SessionTransport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's replies over a Netty channel, with the bounds that keep a hostile or slow peer from growing the
 * server's memory:
 * <ul>
 * <li>commands: while the peer has too many commands, or too many bytes of them, queued in the engine, the channel
 * is not read and its decoder stops at the next packet boundary, so what arrived stays as bytes;</li>
 * <li>turns: a connection that pipelines many commands has them decoded {@value #COMMANDS_PER_TURN} at a time, and
 * the other connections of its event loop get their turn in between (with the engine on the same thread, one read
 * of a mebibyte of tiny commands would otherwise run eighty thousand of them before anyone else is served);</li>
 * <li>replies: while the peer leaves more than its reply budget unread, the channel is not read (and the engine holds
 * its commands, see {@link dev.gearman.server.engine.Session}); past the hard limit it is closed; and the unread
 * replies of all connections together are bounded by {@link ReplyMemory}.</li>
 * </ul>
 * Unread replies are counted from the engine's write until the socket took the last byte of that write.
 */
final class ChannelTransport implements SessionTransport {

	private static final Logger logger = LoggerFactory.getLogger(ChannelTransport.class);

	private static final RateLimitedLog closings = new RateLimitedLog(logger, 10, TimeUnit.SECONDS);

	static final int PAUSE_AT_PENDING = 1024;

	static final int RESUME_AT_PENDING = 128;

	/** Bytes of queued commands at which reading pauses: a few large packets, not a thousand of them. */
	static final long PAUSE_AT_PENDING_BYTES = 8L * 1024 * 1024;

	static final long RESUME_AT_PENDING_BYTES = 1024 * 1024;

	/** Commands of one connection decoded before the others of its event loop get their turn. */
	static final int COMMANDS_PER_TURN = 1024;

	private final Channel channel;

	private final GearmanDecoder decoder;

	private final ReplyLimits limits;

	private final AtomicInteger pendingCommands = new AtomicInteger();

	private final AtomicLong pendingCommandBytes = new AtomicLong();

	/**
	 * Written on the event loop when a TLS handshake completes, read on the engine thread; the handshake completes
	 * before the first request is decoded, so every request is judged with the final identity.
	 */
	private volatile String identity = AccessPolicy.ANONYMOUS;

	private final AtomicBoolean resumeScheduled = new AtomicBoolean();

	/** Replies written by the engine and not yet taken by the socket, as the engine counted them. */
	private final AtomicLong pendingReplies = new AtomicLong();

	/** This connection's share of {@link #pendingReplies} in memory (shared blobs count by share). */
	private final AtomicLong ownReplies = new AtomicLong();

	private final AtomicReference<@Nullable Drained> onDrained = new AtomicReference<>();

	/** Closed to relieve the server's reply memory: it is not chosen again. */
	private volatile boolean closing;

	/** Written on the event loop, read by the engine to know when reads may resume. */
	private volatile boolean pausedByCommands;

	/** Event-loop only. */
	private boolean pausedByReplies;

	/** Commands decoded since the last read completed or the last turn ended. Event-loop only. */
	private int commandsThisTurn;

	/** Waiting for the next turn. Event-loop only. */
	private boolean pausedForTurn;

	ChannelTransport(Channel channel, GearmanDecoder decoder, ReplyLimits limits) {
		this.channel = channel;
		this.decoder = decoder;
		this.limits = limits;
		limits.memory().register(this);
		channel.closeFuture().addListener((future) -> limits.memory().unregister(this));
	}

	/** Counts a command handed to the engine; called on the channel's event loop. */
	void commandQueued(long bytes) {
		if (++this.commandsThisTurn >= COMMANDS_PER_TURN && !this.pausedForTurn) {
			this.pausedForTurn = true;
			this.decoder.suspend();
			updateAutoRead();
			// queued behind what the event loop has to do now: the other connections' reads come first
			this.channel.eventLoop().execute(this::nextTurn);
		}
		int commands = this.pendingCommands.incrementAndGet();
		long queued = this.pendingCommandBytes.addAndGet(bytes);
		if (!this.pausedByCommands && (commands >= PAUSE_AT_PENDING || queued >= PAUSE_AT_PENDING_BYTES)) {
			this.pausedByCommands = true;
			// the rest of what was read stays bytes: a read of a million tiny commands does not become a million
			// objects waiting in the engine
			this.decoder.suspend();
			updateAutoRead();
		}
	}

	@Override
	public void commandDone(long bytes) {
		int commands = this.pendingCommands.decrementAndGet();
		long queued = this.pendingCommandBytes.addAndGet(-bytes);
		if (this.pausedByCommands && commands <= RESUME_AT_PENDING && queued <= RESUME_AT_PENDING_BYTES
				&& this.resumeScheduled.compareAndSet(false, true)) {
			try {
				this.channel.eventLoop().execute(this::resumeIfDrained);
			}
			catch (RejectedExecutionException ex) {
				// the connection's event loop has stopped: nothing to resume
			}
		}
	}

	/** A read was handled to its end: the turn starts over. On the event loop. */
	void readComplete() {
		if (!this.pausedForTurn) {
			this.commandsThisTurn = 0;
		}
	}

	private void nextTurn() {
		this.commandsThisTurn = 0;
		this.pausedForTurn = false;
		if (!this.pausedByCommands) {
			this.decoder.resume();
		}
		updateAutoRead();
	}

	private void resumeIfDrained() {
		this.resumeScheduled.set(false);
		if (this.pausedByCommands && this.pendingCommands.get() <= RESUME_AT_PENDING
				&& this.pendingCommandBytes.get() <= RESUME_AT_PENDING_BYTES) {
			this.pausedByCommands = false;
			// what arrived while paused is decoded first (it may pause again), then reading goes on
			if (!this.pausedForTurn) {
				this.decoder.resume();
			}
			updateAutoRead();
		}
	}

	/** Called on the event loop when the pause reasons change. */
	void updateAutoRead() {
		this.channel.config().setAutoRead(!this.pausedByCommands && !this.pausedByReplies && !this.pausedForTurn);
	}

	@Override
	public void write(List<Object> messages, long bytes, long ownBytes) {
		this.pendingReplies.addAndGet(bytes);
		this.ownReplies.addAndGet(ownBytes);
		this.limits.memory().add(ownBytes);
		if (this.channel.eventLoop().inEventLoop()) {
			// the engine runs on this connection's I/O thread: write at once
			writeNow(messages, bytes, ownBytes);
		}
		else {
			try {
				this.channel.eventLoop().execute(() -> writeNow(messages, bytes, ownBytes));
			}
			catch (RejectedExecutionException ex) {
				// the connection's event loop has stopped: the replies are lost, their buffers must not be
				messages.forEach(ReferenceCountUtil::release);
				written(bytes, ownBytes);
			}
		}
	}

	private void writeNow(List<Object> messages, long bytes, long ownBytes) {
		for (int i = 0; i < messages.size(); i++) {
			this.channel.write(messages.get(i), this.channel.voidPromise());
		}
		this.channel.flush();
		ChannelOutboundBuffer outbound = this.channel.unsafe().outboundBuffer();
		if (outbound == null || outbound.isEmpty()) {
			// the socket took it all at once (or the channel is gone and dropped it): the usual case, no promise
			written(bytes, ownBytes);
		}
		else {
			// the socket writes in order: once an empty marker behind these replies is out (or failed), so are they
			this.channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((future) -> written(bytes, ownBytes));
		}
		long unread = this.pendingReplies.get();
		if (unread > this.limits.hardLimit()) {
			closings.warn("Closing connection from {}: {} bytes of replies not read by the peer (limit {})",
					remoteHost(), unread, this.limits.hardLimit());
			this.channel.close();
			return;
		}
		if (!this.pausedByReplies && unread > this.limits.budget()) {
			this.pausedByReplies = true;
			updateAutoRead();
		}
		this.limits.memory().relieve();
	}

	/** A write the engine made has left, or failed: its bytes no longer count. On the event loop. */
	private void written(long bytes, long ownBytes) {
		long unread = this.pendingReplies.addAndGet(-bytes);
		this.ownReplies.addAndGet(-ownBytes);
		this.limits.memory().remove(ownBytes);
		if (unread <= this.limits.resumeAt() && this.pausedByReplies) {
			this.pausedByReplies = false;
			updateAutoRead();
		}
		tellIfDrained(unread);
	}

	private void tellIfDrained(long unread) {
		Drained waiting = this.onDrained.get();
		if (waiting != null && unread <= waiting.level() && this.onDrained.compareAndSet(waiting, null)) {
			waiting.callback().run();
		}
	}

	@Override
	public long pendingBytes() {
		return this.pendingReplies.get();
	}

	@Override
	public long unreadBytesOfAllConnections() {
		return this.limits.memory().used();
	}

	long ownReplyBytes() {
		return this.ownReplies.get();
	}

	boolean isClosing() {
		return this.closing;
	}

	@Override
	public void whenDrained(long level, Runnable callback) {
		this.onDrained.set(new Drained(level, callback));
		// the replies may have been read meanwhile, with nobody to tell
		tellIfDrained(this.pendingReplies.get());
	}

	/** Closed because all connections together left too many replies unread and this one among the most. */
	void closeForReplyMemory() {
		this.closing = true;
		logger.debug("Closing connection from {}: {} bytes of replies unread while the server holds too many",
				remoteHost(), this.ownReplies.get());
		this.channel.close();
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

	/** A request to be told when the unread replies are down to a level. */
	private record Drained(long level, Runnable callback) {
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
