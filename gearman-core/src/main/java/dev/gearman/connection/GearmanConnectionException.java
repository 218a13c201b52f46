package dev.gearman.connection;

/**
 * A job server could not be reached, or the connection was lost while a request depended on it.
 */
public class GearmanConnectionException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what was lost
	 * @param cause the underlying failure, if any
	 */
	public GearmanConnectionException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Creates an exception.
	 * @param message what was lost
	 */
	public GearmanConnectionException(String message) {
		super(message);
	}

}
