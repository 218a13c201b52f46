package dev.gearman.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.operations.DeadLetterService;
import dev.gearman.server.store.StoredDeadLetter;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/deadletters}: the job server's dead letters, for operators (every operation needs the operator
 * role where Spring Security guards the actuator).
 * <pre>
 * GET    /actuator/deadletters?function=f&amp;after=0&amp;limit=100   counts per function and a page of letters, oldest first
 * GET    /actuator/deadletters/{id}                            one letter with its payload (Base64)
 * POST   /actuator/deadletters/{id}                            requeue it: {"handle": "H:…"}
 * POST   /actuator/deadletters  {"function": "f"}              requeue all of a function: {"requeued": n, "stayed": m}
 * DELETE /actuator/deadletters/{id}                            delete it
 * DELETE /actuator/deadletters?function=f&amp;olderThan=7d        purge (all, by function, older than): {"purged": n}
 * </pre>
 */
@Endpoint(id = "deadletters")
public class DeadLettersEndpoint {

	/** Letters a page shows without a limit. */
	static final int DEFAULT_LIMIT = 100;

	private final GearmanServer server;

	private final Duration timeout;

	private final Duration requeueAllTimeout;

	/**
	 * Creates the endpoint.
	 * @param server the server
	 * @param timeout how long to wait for the store
	 * @param requeueAllTimeout how long to wait for a requeue of a whole function
	 */
	public DeadLettersEndpoint(GearmanServer server, Duration timeout, Duration requeueAllTimeout) {
		this.server = server;
		this.timeout = timeout;
		this.requeueAllTimeout = requeueAllTimeout;
	}

	/**
	 * Counts per function and a page of letters without their payloads.
	 * @param function only this function's letters
	 * @param after only letters with a larger id (the last id of the previous page)
	 * @param limit the most letters, at most {@value DeadLetterService#MAX_PAGE}
	 * @return the page
	 */
	@ReadOperation
	public WebEndpointResponse<Object> deadLetters(@Nullable String function, @Nullable Long after,
			@Nullable Integer limit) {
		WebEndpointResponse<Object> counts = OperationResponses.await(this.server, this.timeout,
				(operations) -> operations.deadLetters().counts());
		if (counts.getStatus() != WebEndpointResponse.STATUS_OK) {
			return counts;
		}
		@SuppressWarnings("unchecked")
		Map<String, Long> byFunction = (Map<String, Long>) counts.getBody();
		return OperationResponses.await(this.server, this.timeout,
				(operations) -> operations.deadLetters()
					.list(function, (after != null) ? after : 0, (limit != null) ? limit : DEFAULT_LIMIT)
					.thenApply((letters) -> new DeadLetterPage(byFunction,
							letters.stream().map(DeadLetterDescriptor::of).toList())));
	}

	/**
	 * One letter with its payload.
	 * @param id the id
	 * @return the letter, or 404
	 */
	@ReadOperation
	public WebEndpointResponse<Object> deadLetter(@Selector long id) {
		return OperationResponses.await(this.server, this.timeout,
				(operations) -> operations.deadLetters().get(id).thenApply(DeadLetterDescriptor::of));
	}

	/**
	 * Requeues one letter as a new job with a fresh attempt count.
	 * @param id the id
	 * @return the new job's handle; 404 if there is no such letter, 409 if the job cannot be queued
	 */
	@WriteOperation
	public WebEndpointResponse<Object> requeue(@Selector long id) {
		return OperationResponses.await(this.server, this.timeout,
				(operations) -> operations.deadLetters().requeue(id).thenApply(RequeuedDescriptor::new));
	}

	/**
	 * Requeues every letter of a function.
	 * @param function the function
	 * @return how many were requeued and how many stayed
	 */
	@WriteOperation
	public WebEndpointResponse<Object> requeueAll(String function) {
		return OperationResponses.await(this.server, this.requeueAllTimeout,
				(operations) -> operations.deadLetters().requeueAll(function));
	}

	/**
	 * Deletes one letter.
	 * @param id the id
	 * @return 204, or 404
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> delete(@Selector long id) {
		WebEndpointResponse<Object> response = OperationResponses.await(this.server, this.timeout,
				(operations) -> operations.deadLetters().delete(id));
		return (response.getStatus() == WebEndpointResponse.STATUS_OK)
				? new WebEndpointResponse<>(WebEndpointResponse.STATUS_NO_CONTENT) : response;
	}

	/**
	 * Purges letters: all, a function's, those older than an age, or both.
	 * @param function only this function's letters
	 * @param olderThan only letters whose job died longer ago than this (e.g. {@code 7d})
	 * @return how many were deleted
	 */
	@DeleteOperation
	public WebEndpointResponse<Object> purge(@Nullable String function, @Nullable Duration olderThan) {
		return OperationResponses.await(this.server, this.timeout,
				(operations) -> operations.deadLetters().purge(function, olderThan).thenApply(PurgedDescriptor::new));
	}

	/**
	 * A page of letters.
	 *
	 * @param counts letters per function, over all letters
	 * @param letters the page, oldest first, without payloads
	 */
	public record DeadLetterPage(Map<String, Long> counts, List<DeadLetterDescriptor> letters) {
	}

	/**
	 * A dead letter.
	 *
	 * @param id its id
	 * @param function the function name
	 * @param unique the unique id (generated for a job submitted without one)
	 * @param priority HIGH, NORMAL or LOW
	 * @param attempts the attempts made
	 * @param firstAttempt when the first attempt started
	 * @param died when the last attempt ended
	 * @param lastError the WORK_EXCEPTION text, or failed, worker lost, timed out
	 * @param worker the client id of the last attempt's worker
	 * @param size the payload's length in bytes
	 * @param data the payload, Base64 in JSON; absent in pages
	 */
	public record DeadLetterDescriptor(long id, String function, String unique, String priority, int attempts,
			@Nullable Instant firstAttempt, Instant died, String lastError, String worker, int size,
			byte @Nullable [] data) {

		static DeadLetterDescriptor of(StoredDeadLetter letter) {
			String priority = switch (letter.priority()) {
				case 0 -> "HIGH";
				case 2 -> "LOW";
				default -> "NORMAL";
			};
			return new DeadLetterDescriptor(letter.id(), letter.function(), letter.unique(), priority,
					letter.attempts(),
					(letter.firstAttemptMillis() > 0) ? Instant.ofEpochMilli(letter.firstAttemptMillis()) : null,
					Instant.ofEpochMilli(letter.lastAttemptMillis()), letter.lastError(), letter.worker(),
					letter.dataSize(), (letter.data().length > 0 || letter.dataSize() == 0) ? letter.data() : null);
		}

	}

	/**
	 * A requeued letter.
	 *
	 * @param handle the new job's handle
	 */
	public record RequeuedDescriptor(String handle) {
	}

	/**
	 * A purge.
	 *
	 * @param purged how many letters were deleted
	 */
	public record PurgedDescriptor(int purged) {
	}

}
