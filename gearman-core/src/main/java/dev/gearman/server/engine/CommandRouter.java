package dev.gearman.server.engine;

import dev.gearman.protocol.AdminRequest;
import dev.gearman.protocol.Magic;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;

/**
 * Sends each request to the class whose state it concerns. Engine-thread only.
 */
final class CommandRouter {

	private final Submissions submissions;

	private final JobDispatcher dispatcher;

	private final WorkerAbilities abilities;

	private final WorkResults results;

	private final StatusQueries status;

	private final ConnectionCommands connections;

	private final AdminCommands admin;

	private final Outbox outbox;

	CommandRouter(Submissions submissions, JobDispatcher dispatcher, WorkerAbilities abilities, WorkResults results,
			StatusQueries status, ConnectionCommands connections, AdminCommands admin, Outbox outbox) {
		this.submissions = submissions;
		this.dispatcher = dispatcher;
		this.abilities = abilities;
		this.results = results;
		this.status = status;
		this.connections = connections;
		this.admin = admin;
		this.outbox = outbox;
	}

	void handle(Session session, Object message) {
		if (message instanceof AdminRequest request) {
			this.admin.handle(session, request.line());
			return;
		}
		Packet packet = (Packet) message;
		if (packet.magic() != Magic.REQ) {
			this.outbox.send(session, Packet.error("INVALID_MAGIC", "Request magic expected"));
			return;
		}
		switch (packet.type()) {
			case SUBMIT_JOB, SUBMIT_JOB_BG, SUBMIT_JOB_HIGH, SUBMIT_JOB_HIGH_BG, SUBMIT_JOB_LOW, SUBMIT_JOB_LOW_BG,
					SUBMIT_JOB_EPOCH, SUBMIT_REDUCE_JOB, SUBMIT_REDUCE_JOB_BACKGROUND ->
				this.submissions.submit(session, packet);
			case GRAB_JOB, GRAB_JOB_UNIQ, GRAB_JOB_ALL -> this.dispatcher.grab(session, packet.type());
			case PRE_SLEEP -> this.dispatcher.preSleep(session);
			case WORK_STATUS, WORK_DATA, WORK_WARNING, WORK_COMPLETE, WORK_FAIL, WORK_EXCEPTION ->
				this.results.handle(session, packet);
			case CAN_DO -> this.abilities.canDo(session, packet.arg(0), 0);
			case CAN_DO_TIMEOUT -> canDoTimeout(session, packet);
			case CANT_DO -> this.abilities.cantDo(session, packet.arg(0));
			case RESET_ABILITIES -> this.abilities.resetAbilities(session);
			case GET_STATUS -> this.status.byHandle(session, packet.arg(0));
			case GET_STATUS_UNIQUE -> this.status.byUnique(session, packet.arg(0));
			case ECHO_REQ -> this.connections.echo(session, packet);
			case OPTION_REQ -> this.connections.option(session, packet.arg(0));
			case SET_CLIENT_ID -> this.connections.clientId(session, packet.arg(0));
			default -> this.outbox.send(session, Packet.error("INVALID_COMMAND", "Command not expected"));
		}
	}

	private void canDoTimeout(Session worker, Packet packet) {
		long timeout;
		try {
			timeout = Long.parseLong(packet.arg(1).trim());
		}
		catch (NumberFormatException ex) {
			this.outbox.send(worker, Packet.error("INVALID_ARGUMENT", "Timeout is not a decimal number"));
			return;
		}
		// zero or negative means no limit, as in gearmand; the value is in milliseconds, without gearmand's 1 s floor
		this.abilities.canDo(worker, packet.arg(0), Math.max(0, timeout));
	}

}
