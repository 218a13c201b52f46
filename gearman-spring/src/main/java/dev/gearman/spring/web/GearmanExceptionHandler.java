package dev.gearman.spring.web;

import dev.gearman.GearmanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a web request whose Gearman call failed with the {@link ProblemDetail} of {@link GearmanProblemDetails}
 * ({@code application/problem+json}), in Spring MVC and WebFlux. Registered by the auto-configuration when
 * {@code gearman.web.problem-details.enabled=true}, or as any bean (e.g. {@code @Import}). An
 * {@code @ExceptionHandler} of a controller still wins for its own requests.
 */
@RestControllerAdvice
public class GearmanExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(GearmanExceptionHandler.class);

	/**
	 * Answers a failed call.
	 * @param failure the failure
	 * @return the problem, with its status
	 */
	@ExceptionHandler(GearmanException.class)
	public ResponseEntity<ProblemDetail> handle(GearmanException failure) {
		ProblemDetail problem = GearmanProblemDetails.forException(failure);
		// the worker's message may not go to the HTTP client; it goes to the log
		logger.debug("Gearman call failed, answering {}: {}", problem.getStatus(), failure.toString());
		return ResponseEntity.status(problem.getStatus()).body(problem);
	}

}
