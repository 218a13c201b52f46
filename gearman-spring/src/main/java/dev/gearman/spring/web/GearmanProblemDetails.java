package dev.gearman.spring.web;

import dev.gearman.GearmanException;
import dev.gearman.client.GearmanJobException;
import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanNoWorkerException;
import dev.gearman.client.GearmanServerErrorException;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.GearmanWorkerException;
import dev.gearman.connection.GearmanConnectionException;
import dev.gearman.spring.core.GearmanBatchException;
import dev.gearman.spring.core.GearmanPayloadConversionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * What a web application answers when a Gearman call fails, as an RFC 9457 {@link ProblemDetail}. The worker sits
 * behind the application as an upstream service does behind a gateway, hence the 5xx gateway statuses:
 * <table>
 * <caption>Statuses</caption>
 * <tr><th>exception</th><th>status</th><th>detail</th></tr>
 * <tr><td>{@link GearmanJobFailedException} (the worker failed the job, e.g. {@code FailJobException})</td>
 * <td>422 Unprocessable Content</td><td>the worker's reason</td></tr>
 * <tr><td>{@link GearmanWorkerException} (the worker raised)</td><td>502 Bad Gateway</td>
 * <td>that the function raised an exception; its message stays in the log, it may reveal internals</td></tr>
 * <tr><td>{@link GearmanPayloadConversionException}</td><td>502 Bad Gateway if the worker could not read or write
 * a payload, or this application could not read the result; 500 if this application could not write the
 * workload</td><td>which payload of which function</td></tr>
 * <tr><td>{@link GearmanTimeoutException}</td><td>504 Gateway Timeout</td><td>the function and the timeout</td></tr>
 * <tr><td>{@link GearmanNoWorkerException}, {@link GearmanConnectionException} (no job server),
 * {@link GearmanServerErrorException} (e.g. a full queue)</td><td>503 Service Unavailable</td>
 * <td>what is missing</td></tr>
 * <tr><td>{@link GearmanBatchException}</td><td>as its first failure</td><td>how many calls failed, and the first
 * failure's detail</td></tr>
 * </table>
 * Each problem has the properties {@code function} (when known) and {@code gearmanError} (the job server's error
 * code, for refusals).
 */
public final class GearmanProblemDetails {

	private GearmanProblemDetails() {
	}

	/**
	 * The HTTP status for a failure.
	 * @param failure the failure
	 * @return the status
	 */
	public static HttpStatus status(Throwable failure) {
		if (failure instanceof GearmanBatchException batch && batch.getCause() != null) {
			return status(batch.getCause());
		}
		if (failure instanceof GearmanJobFailedException) {
			return HttpStatus.UNPROCESSABLE_CONTENT;
		}
		if (failure instanceof GearmanPayloadConversionException conversion) {
			boolean ours = !conversion.isRemote()
					&& conversion.payload() == GearmanPayloadConversionException.Payload.REQUEST;
			return ours ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.BAD_GATEWAY;
		}
		if (failure instanceof GearmanWorkerException) {
			return HttpStatus.BAD_GATEWAY;
		}
		if (failure instanceof GearmanTimeoutException) {
			return HttpStatus.GATEWAY_TIMEOUT;
		}
		if (failure instanceof GearmanServerErrorException || failure instanceof GearmanConnectionException) {
			return HttpStatus.SERVICE_UNAVAILABLE;
		}
		return HttpStatus.INTERNAL_SERVER_ERROR;
	}

	/**
	 * The problem for a failure.
	 * @param failure the failure
	 * @return the problem, with the status of {@link #status(Throwable)}
	 */
	public static ProblemDetail forException(GearmanException failure) {
		HttpStatus status = status(failure);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail(failure));
		problem.setTitle(title(failure));
		if (failure instanceof GearmanJobException job) {
			problem.setProperty("function", job.function());
		}
		if (failure instanceof GearmanServerErrorException refused) {
			problem.setProperty("gearmanError", refused.code());
		}
		return problem;
	}

	private static String title(Throwable failure) {
		if (failure instanceof GearmanBatchException) {
			return "Gearman batch failed";
		}
		if (failure instanceof GearmanJobFailedException) {
			return "Job failed";
		}
		if (failure instanceof GearmanPayloadConversionException) {
			return "Payload conversion failed";
		}
		if (failure instanceof GearmanWorkerException) {
			return "Worker raised an exception";
		}
		if (failure instanceof GearmanTimeoutException) {
			return "Job timed out";
		}
		if (failure instanceof GearmanNoWorkerException) {
			return "No worker";
		}
		if (failure instanceof GearmanServerErrorException) {
			return "Job server refused the job";
		}
		if (failure instanceof GearmanConnectionException) {
			return "Job server unavailable";
		}
		return "Gearman call failed";
	}

	private static String detail(GearmanException failure) {
		String function = (failure instanceof GearmanJobException job) ? "'" + job.function() + "'" : "";
		if (failure instanceof GearmanBatchException batch) {
			String first = (batch.getCause() instanceof GearmanException cause) ? ": " + detail(cause) : "";
			return batch.result().failures().size() + " of " + batch.result().items().size() + " calls failed" + first;
		}
		if (failure instanceof GearmanJobFailedException failed) {
			return (failed.reason() != null) ? failed.reason() : "Function " + function + " failed";
		}
		if (failure instanceof GearmanPayloadConversionException conversion) {
			String payload = (conversion.payload() == GearmanPayloadConversionException.Payload.REQUEST) ? "workload"
					: "result";
			return "The " + payload + " of function " + function + " could not be converted"
					+ (conversion.isRemote() ? " by the worker" : "");
		}
		if (failure instanceof GearmanWorkerException) {
			return "Function " + function + " raised an exception";
		}
		if (failure instanceof GearmanTimeoutException) {
			return "Function " + function + " did not complete in time";
		}
		if (failure instanceof GearmanNoWorkerException) {
			return "No worker serves function " + function;
		}
		if (failure instanceof GearmanServerErrorException refused) {
			return "The job server refused the job: " + refused.code();
		}
		if (failure instanceof GearmanConnectionException) {
			return "No job server is available";
		}
		return "The call failed";
	}

}
