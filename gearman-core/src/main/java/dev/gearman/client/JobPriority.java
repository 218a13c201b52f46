package dev.gearman.client;

/**
 * The priority a job is submitted with.
 */
public enum JobPriority {

	/** SUBMIT_JOB_HIGH(_BG): runs before normal and low jobs. */
	HIGH,

	/** SUBMIT_JOB(_BG). */
	NORMAL,

	/** SUBMIT_JOB_LOW(_BG): runs when nothing else waits. */
	LOW

}
