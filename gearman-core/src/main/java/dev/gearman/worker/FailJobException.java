package dev.gearman.worker;

/**
 * Thrown by a {@link JobHandler} to fail the job (WORK_FAIL) rather than report an exception. WORK_FAIL carries no
 * text, so the worker sends the reason as a WORK_WARNING right before it: clients see it as a warning, and ours put
 * it in {@code GearmanJobFailedException.reason()}. The worker logs it too.
 */
public class FailJobException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param reason why the job failed, for the client and the worker's log
	 */
	public FailJobException(String reason) {
		super(reason);
	}

}
