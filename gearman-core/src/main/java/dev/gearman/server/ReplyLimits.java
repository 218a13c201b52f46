package dev.gearman.server;

/**
 * How much of its replies a connection may leave unread: past {@code budget} it is not read and its commands wait,
 * until it is back under a quarter of it; past {@code hardLimit} it is closed; and all connections together are held
 * to {@code memory}'s limit. One instance per server.
 *
 * @param budget unread reply bytes at which a connection is paused
 * @param hardLimit unread reply bytes at which a connection is closed
 * @param memory the unread replies of all connections
 */
record ReplyLimits(long budget, long hardLimit, ReplyMemory memory) {

	/** Unread reply bytes at which a paused connection resumes. */
	long resumeAt() {
		return this.budget / 4;
	}

}
