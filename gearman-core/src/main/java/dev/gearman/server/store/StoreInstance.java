package dev.gearman.server.store;

import java.time.Instant;

/**
 * One server registered with a store that several servers share, as its table of instances shows it, for health
 * checks and the actuator.
 *
 * @param id the instance id, new each time a server joins
 * @param name the name it registered with (host and port by default)
 * @param state whether it heart-beats, left cleanly, or its lease ran out
 * @param startedAt when it joined, by the database's clock
 * @param lastHeartbeat its last heartbeat, by the database's clock
 * @param storedJobs how many stored jobs it held at its last heartbeat
 * @param self whether it is the server that answers
 */
public record StoreInstance(String id, String name, State state, Instant startedAt, Instant lastHeartbeat,
		long storedJobs, boolean self) {

	/**
	 * Where a registered server is.
	 */
	public enum State {

		/** It heart-beats; its lease has not run out. */
		ALIVE,

		/** It left cleanly and handed its jobs over. */
		LEFT,

		/** Its lease ran out: its jobs are taken over by the others. */
		EXPIRED

	}

}
