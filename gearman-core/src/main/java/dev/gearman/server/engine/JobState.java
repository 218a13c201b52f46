package dev.gearman.server.engine;

/**
 * Where a job is in its life, and which moves between states are allowed. Every move goes through
 * {@code JobRegistry}, which checks it against {@link #canMoveTo} and fails loudly on any other: a forbidden move is
 * a bug.
 * <pre>
 *            ┌──────────────► SCHEDULED ───────┐
 *   NEW ─────┤                    ▲            ▼
 *     │      └──► STORING ────────┴──────► QUEUED ◄──────┐ (worker lost, CAN_DO_TIMEOUT, CANT_DO)
 *     │              │                       │           │
 *     └──────────────┼───────────────────────┤  GRAB     │
 *                    │                       ▼           │
 *                    │                    RUNNING ───────┘
 *                    │    failed, retried  │ │  ▲
 *                    │    after a backoff  │ └──┼───► WAITING ──► QUEUED (when due)
 *                    │                     │    │
 *                    │     clients left or │    │ a client joins again
 *                    │     cancelled       ▼    │
 *                    │                   ABANDONED
 *                    ▼                       │
 *                  DONE ◄────────────────────┘  (and from every state but NEW)
 * </pre>
 */
public enum JobState {

	/** Created, not yet admitted. */
	NEW,

	/**
	 * A background job waiting for the store to acknowledge it. If it is due it already holds its place in its
	 * queue, so it keeps its arrival order, but it is not handed out (and holds up the jobs behind it) until stored.
	 */
	STORING,

	/** An epoch job whose time has not come. */
	SCHEDULED,

	/** Waiting in its function's queue, ready to be handed out. */
	QUEUED,

	/** Assigned to a worker; its results go to the clients attached to it. */
	RUNNING,

	/**
	 * An attempt failed and the retry policy runs it again after a backoff: stored with its attempts, next run time
	 * and last error, in the same schedule as epoch jobs.
	 */
	WAITING,

	/**
	 * Still assigned to its worker, but nobody waits for its result: its foreground clients all left, or it was
	 * cancelled. It is not run again if its worker lets it go. A client that submits it again joins it.
	 */
	ABANDONED,

	/** Over: completed, failed, dead, cancelled, abandoned or dropped; in no table any more. */
	DONE;

	/** Per state, the bit set of the states it may move to. */
	private static final int[] ALLOWED = new int[values().length];

	static {
		allow(NEW, STORING, SCHEDULED, QUEUED, WAITING);
		allow(STORING, SCHEDULED, QUEUED, DONE);
		allow(SCHEDULED, QUEUED, DONE);
		allow(QUEUED, RUNNING, DONE);
		allow(RUNNING, QUEUED, WAITING, ABANDONED, DONE);
		allow(WAITING, QUEUED, DONE);
		allow(ABANDONED, RUNNING, DONE);
	}

	private static void allow(JobState from, JobState... to) {
		for (JobState state : to) {
			ALLOWED[from.ordinal()] |= 1 << state.ordinal();
		}
	}

	/**
	 * Whether a job in this state may move to another.
	 * @param next the state to move to
	 * @return {@code true} if the move is allowed
	 */
	public boolean canMoveTo(JobState next) {
		return (ALLOWED[ordinal()] & (1 << next.ordinal())) != 0;
	}

	/**
	 * Whether a job in this state is held by a worker.
	 * @return {@code true} for {@link #RUNNING} and {@link #ABANDONED}
	 */
	public boolean isAssigned() {
		return this == RUNNING || this == ABANDONED;
	}

	/**
	 * Whether a job in this state still exists for the engine.
	 * @return {@code false} for {@link #NEW} and {@link #DONE}
	 */
	public boolean isLive() {
		return this != NEW && this != DONE;
	}

}
