package dev.gearman.client;

import dev.gearman.connection.GearmanConnectionException;
import org.jspecify.annotations.Nullable;

/**
 * No configured job server could take a submission: every one was down, refused the connection, or was lost before
 * it acknowledged the job. The job was not created anywhere (a server lost after JOB_CREATED fails the call with a
 * plain {@link GearmanConnectionException} instead, since the job may have run).
 */
public class GearmanNoServerException extends GearmanConnectionException {

	private static final long serialVersionUID = 1L;

	private final String function;

	/**
	 * Creates an exception.
	 * @param message what was tried
	 * @param function the function of the submission
	 * @param cause the last failure, if any
	 */
	public GearmanNoServerException(String message, String function, @Nullable Throwable cause) {
		super(message, cause);
		this.function = function;
	}

	/**
	 * The function of the submission.
	 * @return the function name
	 */
	public String function() {
		return this.function;
	}

}
