package dev.gearman.server.engine;

/**
 * Where a job is in its life.
 */
enum JobState {

	/** A background job waiting for the store to acknowledge it; not yet visible to workers. */
	STORING,

	/** An epoch job whose time has not come. */
	SCHEDULED,

	/** Waiting in its function's queue. */
	QUEUED,

	/** Assigned to a worker. */
	RUNNING,

	/** Finished, failed, cancelled or dropped; no longer in any table. */
	DONE

}
