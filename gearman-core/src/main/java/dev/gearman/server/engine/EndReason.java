package dev.gearman.server.engine;

/**
 * Why a job ended. Every end of a job goes through one method of {@code JobRegistry}, which takes the reason.
 */
public enum EndReason {

	/** Its worker sent WORK_COMPLETE. */
	COMPLETED,

	/** Its worker sent WORK_FAIL or WORK_EXCEPTION, or it used up its attempts, and it was not kept as dead. */
	FAILED,

	/** It used up its attempts under a retry policy with dead letters, and moved to the dead letters. */
	DEAD,

	/** An operator cancelled it ({@code cancel job}). */
	CANCELLED,

	/** Every foreground client that waited for it left: dropped from its queue, or its running result discarded. */
	ABANDONED,

	/** The store refused it, so its client was told ERROR QUEUE_ERROR and it never existed for anyone. */
	DROPPED,

	/**
	 * Its stored row belongs to another server sharing the store, which runs it: this server lost its lease,
	 * released the job when it shut down, or the store found the job stored by another server. The row stays.
	 */
	HANDED_OVER

}
