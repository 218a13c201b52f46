package dev.gearman.spring.actuate;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.operations.OperationFailedException;
import dev.gearman.server.operations.ServerOperations;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * How the operator endpoints answer over HTTP: the result with 200, or a failure as {@code {"error": CODE,
 * "message": …}} with the status its code means (404 no such dead letter, 409 requeue refused, 400 invalid
 * arguments, 429 too many requests waiting, 503 store or server unavailable).
 */
public final class OperationResponses {

	private OperationResponses() {
	}

	/** The server's operations, or {@code null} while it does not run. */
	static ServerOperations operations(GearmanServer server) {
		return server.isRunning() ? server.operations() : null;
	}

	static <T> WebEndpointResponse<Object> await(GearmanServer server, Duration timeout,
			Function<ServerOperations, CompletableFuture<T>> call) {
		ServerOperations operations = operations(server);
		if (operations == null) {
			return failure(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, "SERVER_STOPPED",
					"the job server is not running");
		}
		try {
			return new WebEndpointResponse<>(call.apply(operations).get(timeout.toMillis(), TimeUnit.MILLISECONDS));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return failure(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, "INTERRUPTED", "interrupted");
		}
		catch (TimeoutException ex) {
			return failure(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, "TIMEOUT",
					"no answer within " + timeout + "; the request may still complete");
		}
		catch (ExecutionException ex) {
			return failure(ex.getCause());
		}
	}

	static WebEndpointResponse<Object> failure(Throwable failure) {
		if (failure instanceof OperationFailedException operation) {
			int status = switch (operation.code()) {
				case NO_SUCH_DEAD_LETTER -> WebEndpointResponse.STATUS_NOT_FOUND;
				case REQUEUE_REFUSED -> 409;
				case INVALID_ARGUMENTS -> WebEndpointResponse.STATUS_BAD_REQUEST;
				case BUSY -> WebEndpointResponse.STATUS_TOO_MANY_REQUESTS;
				case PERMISSION_DENIED -> 403;
				case STORE_UNAVAILABLE -> WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE;
				case UNKNOWN_ERROR -> WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR;
			};
			return failure(status, operation.code().name(), operation.getMessage());
		}
		return failure(WebEndpointResponse.STATUS_INTERNAL_SERVER_ERROR, "UNKNOWN_ERROR",
				String.valueOf(failure.getMessage()));
	}

	static WebEndpointResponse<Object> failure(int status, String code, String message) {
		return new WebEndpointResponse<>(new ErrorDescriptor(code, message), status);
	}

	/**
	 * A failed request's body.
	 *
	 * @param error the code, e.g. NO_SUCH_DEAD_LETTER
	 * @param message what happened
	 */
	public record ErrorDescriptor(String error, String message) {
	}

}
