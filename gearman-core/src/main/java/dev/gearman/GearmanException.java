package dev.gearman;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception this library raises about Gearman itself: a job that ended without a result
 * ({@link dev.gearman.client.GearmanJobException} and its kinds: the worker raised, the worker failed it, the call
 * timed out, the server refused it, no worker serves the function) and a job server that cannot be reached
 * ({@link dev.gearman.connection.GearmanConnectionException}). Catch it to handle any of them at once.
 */
public abstract class GearmanException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param message what happened
	 */
	protected GearmanException(String message) {
		super(message);
	}

	/**
	 * Creates an exception.
	 * @param message what happened
	 * @param cause the underlying failure
	 */
	protected GearmanException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
