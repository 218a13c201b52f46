package dev.gearman.server.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

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

	Session(long id, SessionTransport transport, boolean exceptions) {
		this.id = id;
		this.transport = transport;
		this.exceptions = exceptions;
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
		return markDirty();
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
		Object head;
		while ((head = this.outbox.peek()) != null) {
			if (head instanceof Reply reply) {
				if (reply.message == null) {
					break;
				}
				ready.add(reply.message);
			}
			else {
				ready.add(head);
			}
			this.outbox.poll();
		}
		if (!ready.isEmpty()) {
			this.transport.write(ready);
		}
	}

	/** Drops replies that will never be written, releasing the buffers they hold. */
	void discardOutbox() {
		Object head;
		while ((head = this.outbox.poll()) != null) {
			ReferenceCountUtil.release((head instanceof Reply reply) ? reply.message : head);
		}
	}

	void close() {
		this.transport.close();
	}

	void commandDone() {
		this.transport.commandDone();
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

		/** Fills the slot; returns {@code true} if the session needs a flush. */
		boolean fill(Object message) {
			this.message = message;
			return this.session.markDirty();
		}

	}

}
