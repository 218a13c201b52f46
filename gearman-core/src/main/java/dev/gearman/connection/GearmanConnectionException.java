package dev.gearman.connection;

import dev.gearman.GearmanException;
import org.jspecify.annotations.Nullable;

/**
 * A job server could not be reached, or the connection was lost while a request depended on it.
 */
public class GearmanConnectionException extends GearmanException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what was lost
	 * @param cause the underlying failure, if any
	 */
	public GearmanConnectionException(String message, @Nullable Throwable cause) {
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
