package dev.gearman.server.engine;

import dev.gearman.protocol.Packet;
import dev.gearman.server.access.AccessPolicy;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the {@link AccessPolicy} before a request that changes state or reveals jobs, and makes a refusal visible:
 * a clear ERROR to the peer where the protocol has a reply, one WARN per connection with the identity, and the
 * listener's {@code accessDenied} for the metric. Engine-thread only.
 */
final class AccessGate {

	private static final Logger logger = LoggerFactory.getLogger(AccessGate.class);

	private final AccessPolicy policy;

	private final EngineListener listener;

	private final Outbox outbox;

	AccessGate(AccessPolicy policy, EngineListener listener, Outbox outbox) {
		this.policy = policy;
		this.listener = listener;
		this.outbox = outbox;
	}

	/** Whether the session may submit jobs of a function; if not, it was told why. */
	boolean maySubmit(Session session, String function) {
		if (this.policy.maySubmit(session.identity(), function)) {
			return true;
		}
		deny(session, "submit", "may not submit jobs of '" + function + "'");
		this.outbox.send(session, Packet.error("PERMISSION_DENIED",
				"Identity '" + session.identity() + "' may not submit jobs of '" + function + "'"));
		return false;
	}

	/** Whether the session may register as a worker for a function; if not, it was told why. */
	boolean mayWork(Session session, String function) {
		if (this.policy.mayWork(session.identity(), function)) {
			return true;
		}
		deny(session, "work", "may not work on '" + function + "'");
		this.outbox.send(session, Packet.error("PERMISSION_DENIED",
				"Identity '" + session.identity() + "' may not register function '" + function + "'"));
		return false;
	}

	/**
	 * Whether the session may see a job of a function: who may submit it or read the admin listings. A refusal is
	 * answered like an unknown job, so it reveals nothing; it is logged and counted all the same.
	 */
	boolean maySee(Session session, String function) {
		String identity = session.identity();
		if (this.policy.maySubmit(identity, function) || this.policy.mayAdmin(identity, AdminAccess.READ)) {
			return true;
		}
		deny(session, "status", "may not see jobs of '" + function + "'");
		return false;
	}

	/** Whether the session may use admin commands of a kind; the caller answers a refusal. */
	boolean mayAdmin(Session session, AdminAccess access) {
		if (this.policy.mayAdmin(session.identity(), access)) {
			return true;
		}
		String action = (access == AdminAccess.READ) ? "admin-read" : "admin-write";
		deny(session, action, "may not use " + ((access == AdminAccess.READ) ? "read-only" : "state-changing")
				+ " admin commands");
		return false;
	}

	private void deny(Session session, String action, String what) {
		this.listener.accessDenied(session.identity(), action);
		if (!session.denied) {
			session.denied = true;
			logger.warn("Access denied to {} (identity '{}'): {}; further refusals on this connection are logged at"
					+ " DEBUG", session, session.identity(), what);
		}
		else {
			logger.debug("Access denied to {} (identity '{}'): {}", session, session.identity(), what);
		}
	}

}
