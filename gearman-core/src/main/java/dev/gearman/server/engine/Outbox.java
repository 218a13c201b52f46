package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.protocol.WireSize;
import io.netty.buffer.ByteBufAllocator;

/**
 * How the engine answers: replies are queued on their sessions and every session that got one is flushed once at
 * the end of the batch of commands, so pipelined requests are answered in one write per connection.
 * Engine-thread only.
 */
final class Outbox {

	/**
	 * Data blobs from this size on that go to several clients are put in one buffer they all share; below it a copy
	 * per client costs less than the second buffer each write would then need.
	 */
	static final int SHARED_DATA_MIN = 512;

	private final List<Session> dirty = new ArrayList<>();

	private Consumer<Session> flushed = (session) -> {
	};

	/** Sets what runs after each session's flush. */
	void onFlushed(Consumer<Session> hook) {
		this.flushed = hook;
	}

	/** Queues a message for a session; takes over the caller's reference to a reference-counted message. */
	void send(Session session, Object message) {
		if (session.send(message)) {
			this.dirty.add(session);
		}
	}

	void reply(Session session, PacketType type, String... args) {
		send(session, Packet.response(type, args));
	}

	/**
	 * Sends a packet to every client attached to a job; takes over the caller's reference to the packet. Clients
	 * share one copy of its data: a buffer is passed to each write as it is, where an array would be copied once per
	 * client (a hundred clients waiting on one job would hold a hundred copies of every WORK_DATA).
	 */
	void forward(Job job, Packet packet) {
		int clients = job.clients.size();
		if (clients <= 1) {
			if (clients == 1) {
				send(job.clients.get(0), packet);
			}
			else {
				packet.release();
			}
			return;
		}
		Packet shared = (packet.dataLength() >= SHARED_DATA_MIN) ? packet.withDataInBuffer(ByteBufAllocator.DEFAULT)
				: packet;
		// an array is copied for each client after all: then each holds its copy whole
		long ownBytes = (shared.dataBuffer() != null) ? WireSize.share(shared, clients) : WireSize.of(shared);
		for (int i = 0; i < clients; i++) {
			Session client = job.clients.get(i);
			if (client.sendShared(shared.retain(), ownBytes)) {
				this.dirty.add(client);
			}
		}
		shared.release();
	}

	/** Fills a reply slot held in a session's outbox; takes over the caller's reference to the message. */
	void fill(Session.Reply reply, Object message) {
		if (reply.fill(message)) {
			this.dirty.add(reply.session);
		}
	}

	/** Writes what the batch produced; the batch hook of the engine loop. */
	void flush() {
		for (int i = 0; i < this.dirty.size(); i++) {
			Session session = this.dirty.get(i);
			session.flush();
			this.flushed.accept(session);
		}
		this.dirty.clear();
	}

}
