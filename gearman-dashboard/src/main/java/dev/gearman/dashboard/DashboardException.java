package dev.gearman.dashboard;

import dev.gearman.server.operations.OperationFailedException;

/**
 * A dashboard request that could not be answered, with the HTTP status that says why: 400 a malformed request,
 * 403 an action for operators only, 404 no such job or dead letter, 409 refused (a requeue that would run a job
 * twice, say), 429 too many operator requests waiting, 503 the job server or its store did not answer.
 */
public class DashboardException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final int status;

	private final String code;

	/**
	 * Creates the exception.
	 * @param status the HTTP status
	 * @param code what kind of failure, e.g. {@code NOT_FOUND}
	 * @param message what happened, for people
	 */
	public DashboardException(int status, String code, String message) {
		super(message);
		this.status = status;
		this.code = code;
	}

	/**
	 * The HTTP status of the failure.
	 * @return the status
	 */
	public int status() {
		return this.status;
	}

	/**
	 * What kind of failure.
	 * @return the code, e.g. {@code NOT_FOUND}
	 */
	public String code() {
		return this.code;
	}

	static DashboardException notFound(String message) {
		return new DashboardException(404, "NOT_FOUND", message);
	}

	static DashboardException unavailable(String message) {
		return new DashboardException(503, "UNAVAILABLE", message);
	}

	static DashboardException badRequest(String message) {
		return new DashboardException(400, "INVALID_ARGUMENTS", message);
	}

	/**
	 * The action needs the operator role.
	 * @return the exception
	 */
	public static DashboardException operatorsOnly() {
		return new DashboardException(403, "OPERATORS_ONLY", "only operators may do this");
	}

	/** The failure of an operator's request to the server's operations, with the status its code means. */
	static DashboardException of(OperationFailedException failure) {
		int status = switch (failure.code()) {
			case NO_SUCH_DEAD_LETTER -> 404;
			case REQUEUE_REFUSED -> 409;
			case INVALID_ARGUMENTS -> 400;
			case BUSY -> 429;
			case PERMISSION_DENIED -> 403;
			case STORE_UNAVAILABLE -> 503;
			case UNKNOWN_ERROR -> 500;
		};
		return new DashboardException(status, failure.code().name(), failure.getMessage());
	}

}
