package dev.gearman.worker;

/**
 * Thrown by a {@link JobHandler} to report plain failure (WORK_FAIL), which carries no message to the client.
 */
public class FailJobException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param reason why the job failed, for the worker's log
	 */
	public FailJobException(String reason) {
		super(reason);
	}

}
