package dev.gearman.spring.core;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobStatus;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link GearmanTemplate} against a job server on a free loopback port, in a plain Spring context without Spring
 * Boot ({@code @GearmanFunction} beans served through {@link GearmanFunctionAnnotationBeanPostProcessor} and
 * {@link GearmanWorkerRegistry}): synchronous, asynchronous and batch calls, background jobs with priority, unique
 * id and run-at time, status queries, and timeouts.
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
			assertThat(template.callAll("upper", List.of("a", "b", "c", "d"), String.class))
				.containsExactly("A", "B", "C", "D");
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

	/** A job server, a client, the template and workers, wired by hand as an application without Boot would. */
	@Configuration(proxyBeanMethods = false)
	static class FunctionsConfiguration {

		@Bean(destroyMethod = "stop")
		GearmanServer gearmanServer() {
			GearmanServerSettings settings = new GearmanServerSettings();
			settings.setAddress("127.0.0.1");
			settings.setPort(0);
			GearmanServer server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
			server.start();
			return server;
		}

		@Bean(destroyMethod = "close")
		GearmanClient gearmanClient(GearmanServer server, Duration clientTimeout) {
			return new GearmanClient(GearmanClientSettings.of(address(server)).withDefaultTimeout(clientTimeout));
		}

		@Bean
		GearmanPayloadConverter gearmanPayloadConverter() {
			return new GearmanPayloadConverter(JsonMapper.builder().build(), StandardCharsets.UTF_8);
		}

		@Bean
		GearmanTemplate gearmanTemplate(GearmanClient client, GearmanPayloadConverter converter) {
			return new GearmanTemplate(client, converter);
		}

		@Bean
		GearmanWorkerRegistry gearmanWorkerRegistry(GearmanServer server) {
			return new GearmanWorkerRegistry(GearmanWorkerSettings.of(address(server)), null, Duration.ofSeconds(5));
		}

		@Bean(name = GearmanFunctionAnnotationBeanPostProcessor.BEAN_NAME)
		static GearmanFunctionAnnotationBeanPostProcessor gearmanFunctionAnnotationBeanPostProcessor() {
			return new GearmanFunctionAnnotationBeanPostProcessor();
		}

		@Bean
		Functions functions() {
			return new Functions();
		}

		private static String address(GearmanServer server) {
			return "127.0.0.1:" + server.port();
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

	}

}
