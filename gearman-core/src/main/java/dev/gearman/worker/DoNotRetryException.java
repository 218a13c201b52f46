package dev.gearman.worker;

import dev.gearman.server.retry.RetryPolicy;

/**
 * Thrown by a {@link JobHandler} (or a {@code @GearmanFunction} method) to end a job that must not be retried, e.g. a
 * payment declined or a payload that can never be processed. The worker sends WORK_EXCEPTION with the text
 * {@code [no-retry] } followed by the message ({@link RetryPolicy#NO_RETRY_MARKER}); our job server then ends the
 * job at once, whatever its retry policy, and a background job goes straight to the dead letters with that text.
 * Other job servers treat it as any WORK_EXCEPTION. Found also as the cause of another exception.
 */
public class DoNotRetryException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates the exception.
	 * @param message why the job must not be retried; it reaches the client and the dead letter
	 */
	public DoNotRetryException(String message) {
		super(message);
	}

	/**
	 * Creates the exception with a cause.
	 * @param message why the job must not be retried; it reaches the client and the dead letter
	 * @param cause the cause, for the worker's log
	 */
	public DoNotRetryException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * The WORK_EXCEPTION text for this exception.
	 * @return the marker, a space and the message
	 */
	public String exceptionText() {
		return RetryPolicy.NO_RETRY_MARKER + " " + getMessage();
	}

}
