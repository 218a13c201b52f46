package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;

/**
 * How the engine answers: replies are queued on their sessions and every session that got one is flushed once at
 * the end of the batch of commands, so pipelined requests are answered in one write per connection.
 * Engine-thread only.
 */
final class Outbox {

	private final List<Session> dirty = new ArrayList<>();

	/** Queues a message for a session; takes over the caller's reference to a reference-counted message. */
	void send(Session session, Object message) {
		if (session.send(message)) {
			this.dirty.add(session);
		}
	}

	void reply(Session session, PacketType type, String... args) {
		send(session, Packet.response(type, args));
	}

	/** Sends a packet to every client attached to a job; takes over the caller's reference to the packet. */
	void forward(Job job, Packet packet) {
		for (int i = 0; i < job.clients.size(); i++) {
			send(job.clients.get(i), packet.retain());
		}
		packet.release();
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
			this.dirty.get(i).flush();
		}
		this.dirty.clear();
	}

}
