package dev.gearman.server.engine;

/**
 * The unread replies of all connections together, as the engine sees them: what waits in the sessions' outboxes plus
 * what the transports still hold. Past the server-wide limit, any connection that has replies unread gets no new ones
 * until it has read them all: each connection is bounded by its own budget, but many slow peers at once would
 * otherwise hold many budgets' worth, all built in one batch before the first write. Engine-thread only.
 */
final class ReplyPressure {

	private final long limit;

	/** Bytes in all sessions' outboxes. */
	private long outboxBytes;

	ReplyPressure(long limit) {
		this.limit = limit;
	}

	void queued(long bytes) {
		this.outboxBytes += bytes;
	}

	void written(long bytes) {
		this.outboxBytes -= bytes;
	}

	/** Whether all connections together have more unread than the limit; the transport knows what it holds. */
	boolean exceeded(SessionTransport transport) {
		return this.outboxBytes + transport.unreadBytesOfAllConnections() > this.limit;
	}

}
