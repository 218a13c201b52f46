package dev.gearman.server.operations;

/**
 * An operator's request that could not be done, with a code the admin protocol sends as {@code ERR CODE text} and
 * HTTP maps to a status.
 */
public class OperationFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final Code code;

	/**
	 * Creates the exception.
	 * @param code what kind of failure
	 * @param message what happened, for people
	 */
	public OperationFailedException(Code code, String message) {
		super(message);
		this.code = code;
	}

	/**
	 * Creates the exception with a cause.
	 * @param code what kind of failure
	 * @param message what happened, for people
	 * @param cause the cause
	 */
	public OperationFailedException(Code code, String message, Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	/**
	 * What kind of failure.
	 * @return the code
	 */
	public Code code() {
		return this.code;
	}

	/**
	 * Kinds of failure.
	 */
	public enum Code {

		/** No dead letter has that id (any more). */
		NO_SUCH_DEAD_LETTER,

		/** The job could not be queued again: a live job has its unique id, the queue is full, the server stops. */
		REQUEUE_REFUSED,

		/** The request is malformed. */
		INVALID_ARGUMENTS,

		/** Too many operator requests wait already. */
		BUSY,

		/** The store failed. */
		STORE_UNAVAILABLE,

		/** The connection's identity may not use the command (the server's access policy). */
		PERMISSION_DENIED,

		/** Anything else, e.g. a server without these commands ({@code UNKNOWN_COMMAND}). */
		UNKNOWN_ERROR

	}

}
