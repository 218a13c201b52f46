package dev.gearman.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobStatus;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured {@link GearmanTemplate} against an embedded server: synchronous, asynchronous and batch
 * calls, background jobs with priority, unique id and run-at time, status queries, and timeouts.
 */
class GearmanTemplateTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.client.timeout=10s")
		.withUserConfiguration(FunctionsConfiguration.class);

	@Test
	void callAsyncShouldCompleteWithTheTypedResult() {
		this.contextRunner.run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			Total total = template.callAsync("sum", List.of(1, 2, 3), Total.class).get(10, TimeUnit.SECONDS);
			assertThat(total).isEqualTo(new Total(6));
		});
	}

	@Test
	void callAllShouldRunTheBatchAndKeepTheOrder() {
		this.contextRunner.run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThat(template.callAll("upper", List.of("a", "b", "c", "d"), String.class))
				.containsExactly("A", "B", "C", "D");
		});
	}

	@Test
	void backgroundJobsShouldRunOnTheWorker() {
		this.contextRunner.run((context) -> {
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
	void scheduledBackgroundJobShouldWaitAndReportItsStatus() {
		this.contextRunner.run((context) -> {
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
	void callWithoutAWorkerShouldTimeOut() {
		this.contextRunner.withPropertyValues("gearman.client.timeout=300ms").run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanTimeoutException.class)
				.isThrownBy(() -> template.call("nobody-serves-this", "x"));
		});
	}

	/** A JSON result. */
	record Total(int total) {
	}

	@Configuration(proxyBeanMethods = false)
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

	}

}
