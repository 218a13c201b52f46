package dev.gearman.spring.web;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;

import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanNoServerException;
import dev.gearman.client.GearmanNoWorkerException;
import dev.gearman.client.GearmanServerErrorException;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.GearmanWorkerException;
import dev.gearman.spring.core.BatchResultTestAccess;
import dev.gearman.spring.core.GearmanBatchException;
import dev.gearman.spring.core.GearmanPayloadConversionException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status, title and detail of each kind of failure: the worker's reason goes out, the worker's exception
 * message does not.
 */
class GearmanProblemDetailsTests {

	@Test
	void failedJobShouldBeUnprocessableWithTheWorkersReason() {
		ProblemDetail problem = GearmanProblemDetails
			.forException(new GearmanJobFailedException("charge", "H:x:1", "negative amount"));
		assertThat(problem.getStatus()).isEqualTo(422);
		assertThat(problem.getTitle()).isEqualTo("Job failed");
		assertThat(problem.getDetail()).isEqualTo("negative amount");
		assertThat(problem.getProperties()).containsEntry("function", "charge");
	}

	@Test
	void workerExceptionShouldBeABadGatewayThatKeepsTheMessageToItself() {
		ProblemDetail problem = GearmanProblemDetails.forException(new GearmanWorkerException("charge", "H:x:2",
				"java.sql.SQLException: password=secret".getBytes()));
		assertThat(problem.getStatus()).isEqualTo(502);
		assertThat(problem.getDetail()).isEqualTo("Function 'charge' raised an exception").doesNotContain("secret");
	}

	@Test
	void everyKindShouldHaveItsStatus() {
		assertThat(GearmanProblemDetails.status(new GearmanTimeoutException("f", null, Duration.ofSeconds(1))))
			.isEqualTo(HttpStatus.GATEWAY_TIMEOUT);
		assertThat(GearmanProblemDetails.status(new GearmanNoWorkerException("f", "none")))
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(GearmanProblemDetails.status(new GearmanServerErrorException("f", "QUEUE_ERROR", "full")))
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(GearmanProblemDetails.status(new GearmanNoServerException("none", "f", null)))
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(GearmanProblemDetails.status(new GearmanPayloadConversionException("f", null,
				GearmanPayloadConversionException.Payload.REQUEST, "Foo", new IllegalStateException("x"))))
			.isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
		assertThat(GearmanProblemDetails.status(new GearmanPayloadConversionException("f", null,
				GearmanPayloadConversionException.Payload.RESULT, "Foo", new IllegalStateException("x"))))
			.isEqualTo(HttpStatus.BAD_GATEWAY);
		ProblemDetail refused = GearmanProblemDetails
			.forException(new GearmanServerErrorException("f", "QUEUE_ERROR", "Job queue is full"));
		assertThat(refused.getProperties()).containsEntry("gearmanError", "QUEUE_ERROR");
	}

	@Test
	void batchShouldTakeTheStatusOfItsFirstRealFailure() {
		GearmanBatchException batch = new GearmanBatchException(BatchResultTestAccess.of(List.of(
				new CancellationException("given up"), new GearmanJobFailedException("f", "H:x:3", "bad item"))));
		ProblemDetail problem = GearmanProblemDetails.forException(batch);
		assertThat(problem.getStatus()).isEqualTo(422);
		assertThat(problem.getDetail()).isEqualTo("2 of 2 calls failed: bad item");
	}

}
