package dev.gearman.server.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

import dev.gearman.protocol.WireSize;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The engine's view of one connection, which may act as client, worker and admin at once. Engine-thread only,
 * except where noted.
 * <p>
 * Replies are collected in an outbox and written once per engine batch. A reply whose content is not known yet
 * (JOB_CREATED for a background job the store has not acknowledged) holds its place as a {@link Reply}, and
 * nothing behind it is written until it is filled: JOB_CREATED replies leave in submission order, which is how
 * clients correlate them.
 * <p>
 * A connection's replies are bounded by its reply budget: once the replies it has not read (those in the outbox and
 * those written but not yet taken by the peer) pass the budget, its further commands are held here, unrun, until it
 * has read enough ({@link CommandGate}). A peer that sends a thousand {@code status} lines and reads nothing so costs
 * one reply, not a thousand.
 */
public final class Session {

	final long id;

	private final SessionTransport transport;

	String clientId = "-";

	/** When the connection was made, epoch milliseconds by the engine clock; set on the engine thread. */
	long connectedMillis;

	/** Registered functions with their CAN_DO_TIMEOUT in milliseconds (0 = none), in round-robin order. */
	final LinkedHashMap<JobFunction, Long> abilities = new LinkedHashMap<>();

	/** Jobs assigned to this connection as a worker. */
	final LinkedHashSet<Job> running = new LinkedHashSet<>();

	/** Jobs this connection waits on as a foreground client. */
	final LinkedHashSet<Job> attached = new LinkedHashSet<>();

	boolean sleeping;

	boolean exceptions;

	/** OPTION_REQ fail-if-no-worker: foreground submissions for a function without workers fail at once. */
	boolean failIfNoWorker;

	boolean closed;

	/** Whether a CAN_DO of this connection was refused already: the log says so once per connection. */
	boolean refusedAbility;

	/** Whether a request of this connection was denied already: the log says so once per connection. */
	boolean denied;

	private final ArrayDeque<Object> outbox = new ArrayDeque<>();

	private boolean dirty;

	/** What the replies in the outbox cost ({@link WireSize}), filled reply slots included. */
	private long outboxBytes;

	/** Unread reply bytes above which this connection's commands are held. */
	private final long replyBudget;

	/** Commands received while over the reply budget, in arrival order. */
	private final ArrayDeque<Object> held = new ArrayDeque<>();

	/** Operator commands of this peer being answered off the engine thread. */
	private int answersAwaited;

	/** Whether the transport will tell when the peer has read its replies. */
	boolean drainRequested;

	private final ReplyPressure pressure;

	Session(long id, SessionTransport transport, boolean exceptions, long replyBudget, ReplyPressure pressure) {
		this.id = id;
		this.transport = transport;
		this.exceptions = exceptions;
		this.replyBudget = replyBudget;
		this.pressure = pressure;
	}

	/**
	 * The connection id shown in the first column of {@code workers}.
	 * @return the id
	 */
	public long id() {
		return this.id;
	}

	String remoteHost() {
		return this.transport.remoteHost();
	}

	/** Who the peer is; read when asked, since a TLS handshake may complete after the session was created. */
	String identity() {
		return this.transport.identity();
	}

	/**
	 * Queues a reply, taking over the caller's reference to a reference-counted one; returns {@code true} if the
	 * session needs a flush at the end of the batch.
	 */
	boolean send(Object message) {
		if (this.closed) {
			ReferenceCountUtil.release(message);
			return false;
		}
		this.outbox.add(message);
		queued(WireSize.of(message));
		return markDirty();
	}

	private void queued(long bytes) {
		this.outboxBytes += bytes;
		this.pressure.queued(bytes);
	}

	/**
	 * Queues a packet whose data blob is shared with replies to other sessions; it counts against this session's
	 * share of the memory by {@code ownBytes} only (see {@link SessionTransport#write}).
	 */
	boolean sendShared(Object message, long ownBytes) {
		if (this.closed) {
			ReferenceCountUtil.release(message);
			return false;
		}
		this.outbox.add(new Shared(message, ownBytes));
		queued(WireSize.of(message));
		return markDirty();
	}

	/**
	 * Whether this peer's commands must wait: the replies it has not read passed its budget, or the server holds too
	 * many unread replies of all peers together and some of them are this peer's.
	 */
	boolean overReplyBudget() {
		long unread = this.outboxBytes + this.transport.pendingBytes();
		return unread > this.replyBudget || (unread > 0 && this.pressure.exceeded(this.transport));
	}

	/** How far the peer must have read for its held commands to run: a quarter of its budget, or everything. */
	private long drainLevel() {
		return (this.outboxBytes + this.transport.pendingBytes() > this.replyBudget) ? this.replyBudget / 4 : 0;
	}

	/**
	 * Whether a command must be held: commands are held already, the peer is over its reply budget, or an operator
	 * command of its is still being answered.
	 */
	boolean mustHold() {
		return !this.held.isEmpty() || overReplyBudget() || this.answersAwaited > 0;
	}

	/**
	 * Whether an operator command of this peer is still being answered off the engine thread. Its later commands wait
	 * (their replies would wait behind it anyway), so one peer has one such command in the operations queue at a time
	 * however many it pipelines, and a flood of them delays only itself.
	 */
	boolean awaitsAnswer() {
		return this.answersAwaited > 0;
	}

	/** Holds the place of an operator command's reply, answered later; its later commands wait until it is. */
	Reply reserveAnswer() {
		this.answersAwaited++;
		Reply reply = reserve();
		reply.answer = true;
		return reply;
	}

	void hold(Object command) {
		this.held.add(command);
	}

	@Nullable Object nextHeld() {
		return this.held.poll();
	}

	boolean hasHeld() {
		return !this.held.isEmpty();
	}

	/** Whether replies are waiting to be flushed at the end of the batch. */
	boolean isDirty() {
		return this.dirty;
	}

	/** Asks the transport to tell, once, when the peer has read enough of its replies. */
	void whenDrained(Runnable callback) {
		this.drainRequested = true;
		this.transport.whenDrained(drainLevel(), callback);
	}

	/** Takes the held commands of a connection that is gone, for the caller to drop. */
	List<Object> dropHeld() {
		List<Object> dropped = new ArrayList<>(this.held);
		this.held.clear();
		return dropped;
	}

	Reply reserve() {
		Reply reply = new Reply(this);
		this.outbox.add(reply);
		return reply;
	}

	private boolean markDirty() {
		if (this.dirty) {
			return false;
		}
		this.dirty = true;
		return true;
	}

	/** Writes every reply up to the first one that is still pending. */
	void flush() {
		this.dirty = false;
		if (this.closed) {
			discardOutbox();
			return;
		}
		if (this.outbox.isEmpty()) {
			return;
		}
		List<Object> ready = new ArrayList<>(Math.min(this.outbox.size(), 64));
		long bytes = 0;
		long ownBytes = 0;
		Object head;
		while ((head = this.outbox.peek()) != null) {
			Object message;
			long own = -1;
			if (head instanceof Reply reply) {
				if (reply.message == null) {
					break;
				}
				message = reply.message;
			}
			else if (head instanceof Shared shared) {
				message = shared.message;
				own = shared.ownBytes;
			}
			else {
				message = head;
			}
			long size = WireSize.of(message);
			bytes += size;
			ownBytes += (own >= 0) ? own : size;
			ready.add(message);
			this.outbox.poll();
		}
		if (!ready.isEmpty()) {
			this.outboxBytes -= bytes;
			this.pressure.written(bytes);
			this.transport.write(ready, bytes, ownBytes);
		}
	}

	/** Drops replies that will never be written, releasing the buffers they hold. */
	void discardOutbox() {
		Object head;
		while ((head = this.outbox.poll()) != null) {
			Object message = (head instanceof Reply reply) ? reply.message
					: (head instanceof Shared shared) ? shared.message : head;
			ReferenceCountUtil.release(message);
		}
		this.pressure.written(this.outboxBytes);
		this.outboxBytes = 0;
	}

	void close() {
		this.transport.close();
	}

	void commandDone(long bytes) {
		this.transport.commandDone(bytes);
	}

	@Override
	public String toString() {
		return "session " + this.id + " (" + remoteHost() + ", " + this.clientId + ")";
	}

	/**
	 * A reply slot in the outbox, filled later.
	 */
	static final class Reply {

		final Session session;

		@Nullable Object message;

		Reply(Session session) {
			this.session = session;
		}

		/** Whether it is an operator command's answer (see {@link Session#reserveAnswer()}). */
		boolean answer;

		/** Fills the slot; returns {@code true} if the session needs a flush. */
		boolean fill(Object message) {
			this.message = message;
			if (this.answer) {
				this.session.answersAwaited--;
			}
			this.session.queued(WireSize.of(message));
			return this.session.markDirty();
		}

	}

	/**
	 * A reply whose data blob other sessions' replies share, with what it costs this session alone.
	 */
	private record Shared(Object message, long ownBytes) {
	}

}
