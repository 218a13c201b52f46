package dev.gearman.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.operations.ServerOperations;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/jobhistory}: what happened to background jobs, when the job server records it
 * ({@code gearman.server.history.enabled}); reading it needs the viewer role where Spring Security guards the
 * actuator.
 * <pre>
 * GET /actuator/jobhistory/{handle}        the events of the job that had this handle
 * GET /actuator/jobhistory?unique=u        the events of the jobs with this unique id, under any handle
 * </pre>
 */
@Endpoint(id = "jobhistory")
public class JobHistoryEndpoint {

	private final GearmanServer server;

	private final Duration timeout;

	/**
	 * Creates the endpoint.
	 * @param server the server
	 * @param timeout how long to wait for the store
	 */
	public JobHistoryEndpoint(GearmanServer server, Duration timeout) {
		this.server = server;
		this.timeout = timeout;
	}

	/**
	 * The events of a job by its handle.
	 * @param handle the job handle
	 * @return the history; 404 if there are no events for the handle
	 */
	@ReadOperation
	public WebEndpointResponse<Object> byHandle(@Selector String handle) {
		WebEndpointResponse<Object> response = query((operations) -> operations.jobHistory().byHandle(handle));
		if (response.getBody() instanceof JobHistoryDescriptor history && history.enabled()
				&& history.events().isEmpty()) {
			return OperationResponses.failure(WebEndpointResponse.STATUS_NOT_FOUND, "NO_SUCH_JOB",
					"no events for job handle " + handle);
		}
		return response;
	}

	/**
	 * The events of the jobs with a unique id.
	 * @param unique the unique id
	 * @return the history
	 */
	@ReadOperation
	public WebEndpointResponse<Object> byUnique(String unique) {
		return query((operations) -> operations.jobHistory().byUnique(unique));
	}

	private WebEndpointResponse<Object> query(
			Function<ServerOperations, CompletableFuture<List<JobEvent>>> call) {
		return OperationResponses.await(this.server, this.timeout,
				(operations) -> call.apply(operations).thenApply((events) -> new JobHistoryDescriptor(
						operations.jobHistory().isEnabled(), events.stream().map(EventDescriptor::of).toList())));
	}

	/**
	 * A job's history.
	 *
	 * @param enabled whether the server records history at all ({@code gearman.server.history.enabled})
	 * @param events the events, in the order they happened
	 */
	public record JobHistoryDescriptor(boolean enabled, List<EventDescriptor> events) {
	}

	/**
	 * One event.
	 *
	 * @param at when
	 * @param type SUBMITTED, RESTORED, REQUEUED, ATTEMPT_FAILED, COMPLETED, FAILED, DEAD or CANCELLED
	 * @param attempt the attempts made (the failed one's number for ATTEMPT_FAILED)
	 * @param handle the job handle of the event
	 * @param function the function name
	 * @param unique the unique id
	 * @param worker the worker's client id, where one was involved
	 * @param detail why an attempt failed or the job ended
	 * @param resultSize a completed job's result length in bytes
	 * @param result a completed job's result (Base64 in JSON), if short enough to be kept
	 */
	public record EventDescriptor(Instant at, String type, int attempt, String handle, String function,
			String unique, @Nullable String worker, @Nullable String detail, long resultSize,
			byte @Nullable [] result) {

		static EventDescriptor of(JobEvent event) {
			return new EventDescriptor(Instant.ofEpochMilli(event.atMillis()), event.type().name(), event.attempt(),
					event.handle(), event.function(), event.unique(), event.worker(), event.detail(),
					event.resultSize(), event.result());
		}

	}

}
