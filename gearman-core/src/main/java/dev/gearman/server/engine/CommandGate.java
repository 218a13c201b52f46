package dev.gearman.server.engine;

import java.util.concurrent.RejectedExecutionException;

import dev.gearman.protocol.WireSize;
import io.netty.util.ReferenceCountUtil;

/**
 * Runs each connection's commands, or holds them back while the connection is over its reply budget (a peer that
 * does not read its replies gets no new ones built for it) or one of its operator commands is being answered (a peer
 * has one of them in the operations queue at a time). Its held commands run, in order, once the transport says the
 * peer has read enough; a connection that goes away first has them dropped (a job it had submitted and not been told
 * of never existed; a result it had sent is lost with the connection, so the job runs again). Engine-thread only.
 */
final class CommandGate {

	private final CommandRouter router;

	private final EngineLoop loop;

	CommandGate(CommandRouter router, EngineLoop loop) {
		this.router = router;
		this.loop = loop;
	}

	/** A command arrived; it runs now unless the session must hold it. Takes over the message's reference. */
	void receive(Session session, Object message) {
		if (session.closed) {
			drop(session, message);
		}
		else if (session.mustHold()) {
			session.hold(message);
			// without replies still to flush, nothing else would ask for the drain: ask now (an awaited answer asks
			// once it is flushed)
			if (!session.drainRequested && !session.isDirty() && !session.awaitsAnswer()) {
				awaitDrain(session);
			}
		}
		else {
			run(session, message);
		}
	}

	/** After a flush: a session holding commands waits for its peer to read what was just written. */
	void flushed(Session session) {
		if (session.hasHeld() && !session.drainRequested && !session.closed && !session.awaitsAnswer()) {
			awaitDrain(session);
		}
	}

	/** The peer has read enough: held commands run until the budget is reached again. */
	private void resume(Session session) {
		session.drainRequested = false;
		Object message;
		while (!session.closed && !session.overReplyBudget() && !session.awaitsAnswer()
				&& (message = session.nextHeld()) != null) {
			run(session, message);
		}
		if (session.hasHeld() && !session.isDirty() && !session.awaitsAnswer()) {
			if (session.closed) {
				dropHeld(session);
			}
			else {
				awaitDrain(session);
			}
		}
	}

	/** Drops what a closed connection still held. */
	void dropHeld(Session session) {
		for (Object message : session.dropHeld()) {
			drop(session, message);
		}
	}

	private void awaitDrain(Session session) {
		session.whenDrained(() -> {
			try {
				this.loop.execute(() -> resume(session));
			}
			catch (RejectedExecutionException ex) {
				// the engine has stopped: the held commands go with it
			}
		});
	}

	private void run(Session session, Object message) {
		long size = WireSize.of(message);
		try {
			this.router.handle(session, message);
		}
		finally {
			// whatever the command keeps (a job's payload buffer) it has retained for itself
			ReferenceCountUtil.release(message);
			session.commandDone(size);
		}
	}

	private static void drop(Session session, Object message) {
		long size = WireSize.of(message);
		ReferenceCountUtil.release(message);
		session.commandDone(size);
	}

}
