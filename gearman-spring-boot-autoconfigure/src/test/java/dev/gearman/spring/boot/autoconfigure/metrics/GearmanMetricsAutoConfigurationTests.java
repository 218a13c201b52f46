package dev.gearman.spring.boot.autoconfigure.metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanWorkerException;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.metrics.GearmanServerMetrics;
import dev.gearman.spring.metrics.MicrometerJobRecorder;
import dev.gearman.worker.FailJobException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Micrometer meters: client call and worker execution timers tagged by function and result, in-flight gauges,
 * and the embedded server's queue gauges; nothing when Micrometer or a registry is missing.
 */
class GearmanMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class,
				GearmanMetricsAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.client.timeout=10s");

	@Test
	void callsAndExecutionsShouldBeTimedByFunctionAndResult() {
		this.contextRunner.withUserConfiguration(RegistryConfiguration.class, FunctionsConfiguration.class)
			.run((context) -> {
				GearmanTemplate template = context.getBean(GearmanTemplate.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				template.call("ok", "a");
				template.call("ok", "b");
				assertThatExceptionOfType(GearmanWorkerException.class).isThrownBy(() -> template.call("boom", "x"));
				assertThatExceptionOfType(GearmanJobFailedException.class)
					.isThrownBy(() -> template.call("nope", "x"));
				assertThat(timer(registry, "gearman.client.calls", "ok", "success").count()).isEqualTo(2);
				assertThat(timer(registry, "gearman.client.calls", "boom", "exception").count()).isEqualTo(1);
				assertThat(timer(registry, "gearman.client.calls", "nope", "fail").count()).isEqualTo(1);
				assertThat(timer(registry, "gearman.worker.executions", "ok", "success").count()).isEqualTo(2);
				assertThat(timer(registry, "gearman.worker.executions", "boom", "exception").count()).isEqualTo(1);
				assertThat(timer(registry, "gearman.worker.executions", "nope", "fail").count()).isEqualTo(1);
			});
	}

	@Test
	void inFlightGaugesShouldCountRunningJobs() {
		this.contextRunner.withUserConfiguration(RegistryConfiguration.class, FunctionsConfiguration.class)
			.run((context) -> {
				Functions functions = context.getBean(Functions.class);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				CompletableFuture<String> call = context.getBean(GearmanTemplate.class)
					.callAsync("hold", "x", String.class);
				assertThat(functions.holding.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(registry.get("gearman.worker.in.flight").tag("function", "hold").gauge().value())
					.isEqualTo(1);
				assertThat(registry.get("gearman.client.in.flight").tag("function", "hold").gauge().value())
					.isEqualTo(1);
				functions.release.countDown();
				assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("held");
				await().atMost(java.time.Duration.ofSeconds(5))
					.until(() -> registry.get("gearman.worker.in.flight").tag("function", "hold").gauge().value() == 0);
			});
	}

	@Test
	void embeddedServerShouldGetQueueGauges() {
		this.contextRunner.withUserConfiguration(RegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(GearmanServerMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			// Boot's metrics auto-configuration binds MeterBinder beans; without it, bind by hand
			context.getBean(GearmanServerMetrics.class).bindTo(registry);
			context.getBean(GearmanTemplate.class).submitBackground("unserved", "x");
			context.getBean(GearmanTemplate.class).submitBackground("unserved", "y");
			await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(registry.get("gearman.server.functions").gauge().value()).isGreaterThanOrEqualTo(1);
				assertThat(registry.get("gearman.server.jobs.queued")
					.tags("function", "unserved", "priority", "normal")
					.gauge()
					.value()).isEqualTo(2);
			});
			context.getBean(GearmanTemplate.class).submitBackground("unserved", "z");
			// the row's value is read live (snapshot at most 1 s old), not only when the function list refreshes
			await().atMost(java.time.Duration.ofSeconds(5))
				.until(() -> registry.get("gearman.server.jobs.queued")
					.tags("function", "unserved", "priority", "normal")
					.gauge()
					.value() == 3);
			assertThat(registry.get("gearman.server.connections").tag("role", "client").gauge().value()).isPositive();
		});
	}

	@Test
	void withoutAMeterRegistryNoRecorderShouldBeConfigured() {
		this.contextRunner.withUserConfiguration(FunctionsConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(MicrometerJobRecorder.class).doesNotHaveBean(GearmanServerMetrics.class);
			assertThat(context.getBean(GearmanTemplate.class).call("ok", "a")).isEqualTo("ok a");
		});
	}

	@Test
	void withoutMicrometerOnTheClasspathTheApplicationShouldStillWork() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.withUserConfiguration(FunctionsConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerJobRecorder.class);
				assertThat(context.getBean(GearmanTemplate.class).call("ok", "a")).isEqualTo("ok a");
			});
	}

	@Test
	void userDefinedRecorderShouldMakeTheAutoConfiguredOneBackOff() {
		this.contextRunner.withUserConfiguration(RegistryConfiguration.class, UserRecorderConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(MicrometerJobRecorder.class);
				assertThat(context.getBean(MicrometerJobRecorder.class)).isSameAs(context.getBean("userRecorder"));
			});
	}

	private static Timer timer(MeterRegistry registry, String name, String function, String result) {
		return registry.get(name).tags("function", function, "result", result).timer();
	}

	@Configuration(proxyBeanMethods = false)
	static class RegistryConfiguration {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserRecorderConfiguration {

		@Bean
		MicrometerJobRecorder userRecorder(MeterRegistry registry) {
			return new MicrometerJobRecorder(registry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FunctionsConfiguration {

		@Bean
		Functions functions() {
			return new Functions();
		}

	}

	static class Functions {

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		@GearmanFunction
		String ok(String text) {
			return "ok " + text;
		}

		@GearmanFunction
		String boom(String text) {
			throw new IllegalArgumentException("boom " + text);
		}

		@GearmanFunction
		String nope(String text) {
			throw new FailJobException("nope");
		}

		@GearmanFunction
		String hold(String text) throws InterruptedException {
			this.holding.countDown();
			this.release.await(20, TimeUnit.SECONDS);
			return "held";
		}

	}

}
