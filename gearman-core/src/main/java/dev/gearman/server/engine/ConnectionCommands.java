package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections and what concerns a connection itself rather than a job: connect and disconnect, ECHO_REQ,
 * OPTION_REQ and SET_CLIENT_ID. A connection that goes away leaves the jobs it waited for (abandoning those nobody
 * else waits for) and lets go of the jobs it ran. Engine-thread only.
 */
final class ConnectionCommands {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionCommands.class);

	/** The OPTION_REQ name that makes foreground submissions fail fast when no worker can take them. */
	static final String FAIL_IF_NO_WORKER = "fail-if-no-worker";

	private final LinkedHashSet<Session> sessions = new LinkedHashSet<>();

	private final JobRegistry registry;

	private final WorkerAbilities abilities;

	private final Outbox outbox;

	ConnectionCommands(JobRegistry registry, WorkerAbilities abilities, Outbox outbox) {
		this.registry = registry;
		this.abilities = abilities;
		this.outbox = outbox;
	}

	/** Every open connection, in connection order; read-only. */
	Collection<Session> sessions() {
		return Collections.unmodifiableCollection(this.sessions);
	}

	void connected(Session session) {
		this.sessions.add(session);
	}

	void disconnected(Session session) {
		if (session.closed) {
			return;
		}
		session.closed = true;
		this.sessions.remove(session);
		for (Job job : new ArrayList<>(session.attached)) {
			this.registry.detach(session, job);
		}
		session.attached.clear();
		session.discardOutbox();
		this.abilities.resetAbilities(session);
		logger.debug("{} disconnected", session);
	}

	void echo(Session session, Packet packet) {
		this.outbox.send(session, Packet.responseWithDataOf(PacketType.ECHO_RES, packet));
	}

	/**
	 * OPTION_REQ: {@code exceptions} as in gearmand, and {@value #FAIL_IF_NO_WORKER} (ours): a foreground submission
	 * for a function no worker has registered gets ERROR NO_WORKER at once. gearmand answers ERROR UNKNOWN_OPTION to
	 * the latter, so a client can fall back to waiting.
	 */
	void option(Session session, String name) {
		String option = name.toLowerCase(Locale.ROOT);
		if (option.equals("exceptions")) {
			session.exceptions = true;
			this.outbox.reply(session, PacketType.OPTION_RES, name);
		}
		else if (option.equals(FAIL_IF_NO_WORKER)) {
			session.failIfNoWorker = true;
			this.outbox.reply(session, PacketType.OPTION_RES, name);
		}
		else {
			this.outbox.send(session, Packet.error("UNKNOWN_OPTION", "Server does not recognize given option"));
		}
	}

	void clientId(Session session, String id) {
		// the id is shown as one token of the 'workers' line: no whitespace, bounded length
		String token = id.isBlank() ? "-" : id.replaceAll("\\s", "_");
		session.clientId = (token.length() > 128) ? token.substring(0, 128) : token;
	}

}
