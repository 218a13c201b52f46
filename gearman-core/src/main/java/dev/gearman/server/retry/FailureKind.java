package dev.gearman.server.retry;

/**
 * How one attempt of a job went wrong.
 */
public enum FailureKind {

	/** The worker sent WORK_FAIL. */
	FAIL("failed"),

	/** The worker sent WORK_EXCEPTION. */
	EXCEPTION("exception"),

	/** The worker went away with the job (it disconnected or sent CANT_DO). */
	WORKER_LOST("worker lost"),

	/** The worker ran past its CAN_DO_TIMEOUT. */
	TIMEOUT("timed out");

	private final String description;

	FailureKind(String description) {
		this.description = description;
	}

	/**
	 * What a dead letter says when no exception text is known.
	 * @return {@code failed}, {@code exception}, {@code worker lost} or {@code timed out}
	 */
	public String description() {
		return this.description;
	}

}
