package dev.gearman.server;

/**
 * The job server could not start, for example because its port is taken.
 */
public class GearmanServerException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what went wrong
	 * @param cause the underlying failure
	 */
	public GearmanServerException(String message, Throwable cause) {
		super(message, cause);
	}

}
