package dev.gearman.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobRequest;
import dev.gearman.client.JobStatus;
import dev.gearman.server.GearmanServer;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.metrics.MicrometerJobRecorder;
import dev.gearman.spring.test.LocalGearmanConfiguration;
import dev.gearman.worker.FailJobException;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link GearmanTemplate} against a job server on a free loopback port, in a plain Spring context without Spring
 * Boot ({@code @GearmanFunction} beans served through {@link GearmanFunctionAnnotationBeanPostProcessor} and
 * {@link GearmanWorkerRegistry}): synchronous, asynchronous and batch calls (every outcome kept, or fail-fast),
 * background jobs with priority, unique id and run-at time, status queries, timeouts, failures that say what
 * happened (the worker's reason, payload conversion here or on the worker), metrics, and an interrupted caller.
 */
class GearmanTemplateTests {

	/** Runs the test in a context whose client times out after {@code timeout}. */
	private static void run(Duration timeout, ContextTest test) throws Exception {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.registerBean("clientTimeout", Duration.class, () -> timeout);
			context.register(FunctionsConfiguration.class);
			context.refresh();
			test.accept(context);
		}
	}

	private static void run(ContextTest test) throws Exception {
		run(Duration.ofSeconds(10), test);
	}

	@Test
	void callAsyncShouldCompleteWithTheTypedResult() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			Total total = template.callAsync("sum", List.of(1, 2, 3), Total.class).get(10, TimeUnit.SECONDS);
			assertThat(total).isEqualTo(new Total(6));
		});
	}

	@Test
	void callAllShouldRunTheBatchAndKeepTheOrder() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			BatchResult<String> result = template.callAll("upper", List.of("a", "b", "c", "d"), String.class);
			assertThat(result.allSucceeded()).isTrue();
			assertThat(result.values()).containsExactly("A", "B", "C", "D");
		});
	}

	@Test
	void callAllShouldKeepTheResultsOfTheOthersWhenOneFails() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			BatchResult<String> result = template.callAll("upperUnlessEmpty", List.of("a", "", "c"), String.class);
			assertThat(result.allSucceeded()).isFalse();
			assertThat(result.successes()).containsExactly("A", "C");
			assertThat(result.items()).extracting(BatchResult.Item::value).containsExactly("A", null, "C");
			BatchResult.Item<String> failed = result.failures().get(0);
			assertThat(failed.index()).isEqualTo(1);
			assertThat(failed.failure()).isInstanceOfSatisfying(GearmanJobFailedException.class,
					(ex) -> assertThat(ex.reason()).isEqualTo("nothing to upper-case"));
			assertThatExceptionOfType(GearmanBatchException.class).isThrownBy(result::values)
				.withMessageContaining("1 of 3 calls of the batch failed")
				.satisfies((ex) -> assertThat(ex.result()).isSameAs(result));
		});
	}

	@Test
	void callAllFailFastShouldStopAtTheFirstFailureAndGiveUpTheCallsStillRunning() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			Functions functions = context.getBean(Functions.class);
			try {
				assertThatExceptionOfType(GearmanBatchException.class)
					.isThrownBy(() -> template.callAll("hangUnlessEmpty", List.of("a", "", "b"), String.class,
							BatchResult.Mode.FAIL_FAST))
					.satisfies((ex) -> {
						assertThat(ex.getCause()).isInstanceOf(GearmanJobFailedException.class);
						assertThat(ex.result().items()).extracting(BatchResult.Item::failure)
							.allSatisfy((failure) -> assertThat(failure).isNotNull())
							.filteredOn((failure) -> failure instanceof CancellationException)
							.hasSize(2);
					});
			}
			finally {
				functions.release.countDown();
			}
		});
	}

	@Test
	void failJobReasonShouldReachTheCaller() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanJobFailedException.class)
				.isThrownBy(() -> template.call("upperUnlessEmpty", "", String.class))
				.withMessageEndingWith("failed: nothing to upper-case")
				.satisfies((ex) -> assertThat(ex.function()).isEqualTo("upperUnlessEmpty"));
		});
	}

	@Test
	void workloadTheWorkerCannotReadShouldFailAsAConversionNotAsAnExceptionOfTheMethod() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanPayloadConversionException.class)
				.isThrownBy(() -> template.call("sum", "not a list", Total.class))
				.satisfies((ex) -> {
					assertThat(ex.isRemote()).isTrue();
					assertThat(ex.payload()).isEqualTo(GearmanPayloadConversionException.Payload.REQUEST);
					assertThat(ex.function()).isEqualTo("sum");
					assertThat(ex.handle()).isNotEmpty();
					assertThat(ex).hasMessageContaining("Cannot convert the workload of function 'sum'")
						.hasMessageContaining("java.util.List<java.lang.Integer>");
				});
		});
	}

	@Test
	void resultThatCannotBeReadShouldNameTheFunctionAndTheType() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanPayloadConversionException.class)
				.isThrownBy(() -> template.call("upper", "abc", Total.class))
				.satisfies((ex) -> {
					assertThat(ex.isRemote()).isFalse();
					assertThat(ex.payload()).isEqualTo(GearmanPayloadConversionException.Payload.RESULT);
					assertThat(ex.type()).isEqualTo(Total.class.getName());
					assertThat(ex).hasMessageStartingWith("Cannot convert the result of function 'upper' ("
							+ Total.class.getName() + ")");
				});
		});
	}

	@Test
	void workloadThatCannotBeWrittenShouldFailBeforeAnythingIsSent() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanPayloadConversionException.class)
				.isThrownBy(() -> template.call("upper", new Unwritable(), String.class))
				.satisfies((ex) -> {
					assertThat(ex.payload()).isEqualTo(GearmanPayloadConversionException.Payload.REQUEST);
					assertThat(ex.handle()).isNull();
					assertThat(ex.type()).isEqualTo(Unwritable.class.getName());
				});
		});
	}

	@Test
	void callsSubmissionsAndStatusQueriesShouldBeMeasured() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			template.setRecorder(new MicrometerJobRecorder(meters));
			template.call("upper", "x");
			JobHandle job = template.submitBackground("record", "measured");
			template.status(job);
			template.statusByUnique("nobody-has-this");
			assertThat(meters.get("gearman.client.calls").tags("function", "upper", "result", "success").timer()
				.count()).isEqualTo(1);
			assertThat(meters.get("gearman.client.submissions").tags("function", "record", "result", "success")
				.timer().count()).isEqualTo(1);
			assertThat(meters.get("gearman.client.status.queries").tags("by", "handle", "result", "success").timer()
				.count()).isEqualTo(1);
			assertThat(meters.get("gearman.client.status.queries").tags("by", "unique", "result", "success").timer()
				.count()).isEqualTo(1);
		});
	}

	@Test
	void interruptedCallShouldGiveItsJobUpSoThatItNeverRuns() throws Exception {
		run(Duration.ofSeconds(30), (context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			AtomicReference<Throwable> thrown = new AtomicReference<>();
			Thread caller = new Thread(() -> {
				try {
					template.call(JobRequest.of("noWorkerYet", "abandoned").withUnique("interrupted-call"));
				}
				catch (Throwable ex) {
					thrown.set(ex);
				}
			});
			caller.start();
			await("job queued").atMost(Duration.ofSeconds(10))
				.until(() -> template.statusByUnique("interrupted-call").known());
			caller.interrupt();
			caller.join(10_000);
			assertThat(thrown.get()).isInstanceOf(CancellationException.class);
			// the connection that waited for it closes, and the server drops the job
			await("job dropped").atMost(Duration.ofSeconds(10))
				.until(() -> !template.statusByUnique("interrupted-call").known());
			List<String> ran = new CopyOnWriteArrayList<>();
			GearmanServer server = context.getBean(GearmanServer.class);
			try (GearmanWorker late = new GearmanWorker(GearmanWorkerSettings.of(LocalGearmanConfiguration.address(
					server)))) {
				late.register("noWorkerYet", (job) -> {
					ran.add(job.payloadAsString());
					return job.payload();
				});
				late.start();
				assertThat(template.call("noWorkerYet", "after")).isEqualTo("after");
			}
			assertThat(ran).containsExactly("after");
		});
	}

	@Test
	void backgroundJobsShouldRunOnTheWorker() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			Functions functions = context.getBean(Functions.class);
			template.submitBackground("record", "one");
			List<JobHandle> handles = template.submitAllBackground("record", List.of("two", "three"));
			assertThat(handles).hasSize(2).doesNotHaveDuplicates();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(functions.recorded).containsExactlyInAnyOrder("one", "two", "three"));
		});
	}

	@Test
	void scheduledBackgroundJobShouldWaitAndReportItsStatus() throws Exception {
		run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			JobHandle handle = template.submitBackground("record", "later", JobPriority.HIGH, "unique-later",
					Instant.now().plus(Duration.ofHours(1)));
			JobStatus byHandle = template.status(handle);
			assertThat(byHandle.known()).isTrue();
			assertThat(byHandle.running()).isFalse();
			JobStatus byUnique = template.statusByUnique("unique-later");
			assertThat(byUnique.known()).isTrue();
			assertThat(byUnique.running()).isFalse();
			assertThat(context.getBean(Functions.class).recorded).doesNotContain("later");
		});
	}

	@Test
	void callWithoutAWorkerShouldTimeOut() throws Exception {
		run(Duration.ofMillis(300), (context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanTimeoutException.class)
				.isThrownBy(() -> template.call("nobody-serves-this", "x"));
		});
	}

	/** A test body that runs in a refreshed context. */
	@FunctionalInterface
	private interface ContextTest {

		void accept(AnnotationConfigApplicationContext context) throws Exception;

	}

	/** A JSON result. */
	record Total(int total) {
	}

	/** A workload Jackson cannot write: its one property throws. */
	public static final class Unwritable {

		public String getBroken() {
			throw new IllegalStateException("cannot be written");
		}

	}

	/** The application's functions, served by a local job server. */
	@Configuration(proxyBeanMethods = false)
	@Import(LocalGearmanConfiguration.class)
	static class FunctionsConfiguration {

		@Bean
		Functions functions() {
			return new Functions();
		}

	}

	static class Functions {

		final List<String> recorded = new CopyOnWriteArrayList<>();

		@GearmanFunction
		Total sum(List<Integer> numbers) {
			return new Total(numbers.stream().mapToInt(Integer::intValue).sum());
		}

		@GearmanFunction
		String upper(String text) {
			return text.toUpperCase();
		}

		@GearmanFunction
		void record(String text) {
			this.recorded.add(text);
		}

		final CountDownLatch release = new CountDownLatch(1);

		@GearmanFunction
		String upperUnlessEmpty(String text) {
			if (text.isEmpty()) {
				throw new FailJobException("nothing to upper-case");
			}
			return text.toUpperCase();
		}

		@GearmanFunction
		String hangUnlessEmpty(String text) throws InterruptedException {
			if (text.isEmpty()) {
				throw new FailJobException("empty");
			}
			this.release.await(30, TimeUnit.SECONDS);
			return text;
		}

	}

}
