package dev.gearman.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.client.GearmanWorkerException;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobPriority;
import dev.gearman.connection.ServerAddress;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.operations.OperationFailedException;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.core.DeadLetterOperations;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.worker.DoNotRetryException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Failed jobs of {@code @GearmanFunction} methods on an embedded server with a retry policy: how an exception
 * reaches the dead letter, a {@link DoNotRetryException} that skips the retries, and the template's dead-letter and
 * history operations (list, look at, requeue, purge, history by handle and unique id).
 */
class FailedJobsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class))
		.withUserConfiguration(FailingFunctionsConfiguration.class)
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.client.timeout=10s",
				"gearman.server.retry.max-attempts=2", "gearman.server.retry.initial-delay=0s",
				"gearman.server.history.enabled=true");

	@Test
	void exceptionOfAGearmanFunctionShouldBeTheDeadLettersErrorAndARequeueShouldRunTheJobAgain() {
		this.contextRunner.run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			FailingFunctions functions = context.getBean(FailingFunctions.class);
			template.submitBackground("stock", "widget", JobPriority.HIGH, "order-1", null);
			DeadLetterOperations deadLetters = template.deadLetters();
			await().atMost(WAIT).until(() -> deadLetters.counts().equals(Map.of("stock", 1L)));
			StoredDeadLetter letter = deadLetters.list("stock", 0, 10).get(0);
			assertThat(letter.lastError()).isEqualTo("java.lang.IllegalStateException: no stock for widget");
			assertThat(letter.attempts()).isEqualTo(2);
			assertThat(letter.priority()).isZero();
			assertThat(deadLetters.get(letter.id()).dataAsText()).isEqualTo("widget");
			functions.restocked = true;
			JobHandle requeued = deadLetters.requeue(letter.id());
			await().atMost(WAIT).until(() -> template.history(requeued).stream()
				.anyMatch((event) -> event.type() == JobEvent.Type.COMPLETED));
			assertThat(template.historyByUnique("order-1")).extracting(JobEvent::type).containsExactly(
					JobEvent.Type.SUBMITTED, JobEvent.Type.ATTEMPT_FAILED, JobEvent.Type.DEAD, JobEvent.Type.REQUEUED,
					JobEvent.Type.COMPLETED);
			assertThat(deadLetters.counts()).isEmpty();
			assertThatExceptionOfType(OperationFailedException.class)
				.isThrownBy(() -> deadLetters.requeue(letter.id()))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(OperationFailedException.Code.NO_SUCH_DEAD_LETTER));
		});
	}

	@Test
	void doNotRetryExceptionShouldSkipTheRetries() {
		this.contextRunner.run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanWorkerException.class).isThrownBy(() -> template.call("charge", "card-9"))
				.withMessageContaining("[no-retry] card declined: card-9");
			template.submitBackground("charge", "card-10");
			DeadLetterOperations deadLetters = template.deadLetters();
			await().atMost(WAIT).until(() -> deadLetters.counts().equals(Map.of("charge", 1L)));
			StoredDeadLetter letter = deadLetters.list(null, 0, 10).get(0);
			assertThat(letter.attempts()).isEqualTo(1);
			assertThat(letter.lastError()).isEqualTo("[no-retry] card declined: card-10");
			assertThat(context.getBean(FailingFunctions.class).charges).hasValue(2);
			assertThat(deadLetters.purge("charge", null)).isEqualTo(1);
		});
	}

	@Test
	void failedBackgroundJobShouldBeRetriedAndItsHistoryTellIt() {
		this.contextRunner.run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			JobHandle job = template.submitBackground("flaky", "x", JobPriority.NORMAL, "flaky-1", null);
			await().atMost(WAIT).until(() -> template.history(job).size() == 3);
			List<JobEvent> events = template.history(job);
			assertThat(events).extracting(JobEvent::type).containsExactly(JobEvent.Type.SUBMITTED,
					JobEvent.Type.ATTEMPT_FAILED, JobEvent.Type.COMPLETED);
			assertThat(events.get(1).detail()).isEqualTo("java.lang.IllegalStateException: first attempt fails");
			assertThat(template.deadLetters().counts()).isEmpty();
		});
	}

	@Test
	void templateOfSeveralServersShouldBeToldWhichServersDeadLetters() {
		this.contextRunner.withPropertyValues("gearman.servers=127.0.0.1:1,127.0.0.1:2").run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatIllegalStateException().isThrownBy(template::deadLetters)
				.withMessageContaining("(expected: one; name the server with deadLetters(ServerAddress)");
			assertThat(template.deadLetters(new ServerAddress("127.0.0.1", 2)).server().port()).isEqualTo(2);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class FailingFunctionsConfiguration {

		@Bean
		FailingFunctions failingFunctions() {
			return new FailingFunctions();
		}

	}

	static class FailingFunctions {

		volatile boolean restocked;

		final AtomicInteger charges = new AtomicInteger();

		final AtomicInteger flakyCalls = new AtomicInteger();

		@GearmanFunction
		String stock(String item) {
			if (!this.restocked) {
				throw new IllegalStateException("no stock for " + item);
			}
			return "shipped " + item;
		}

		@GearmanFunction
		String charge(String card) {
			this.charges.incrementAndGet();
			throw new DoNotRetryException("card declined: " + card);
		}

		@GearmanFunction
		String flaky(String payload) {
			if (this.flakyCalls.incrementAndGet() == 1) {
				throw new IllegalStateException("first attempt fails");
			}
			return "ok " + payload;
		}

	}

}
