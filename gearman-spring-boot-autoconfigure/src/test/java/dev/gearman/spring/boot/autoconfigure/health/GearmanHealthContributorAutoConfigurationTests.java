package dev.gearman.spring.boot.autoconfigure.health;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import dev.gearman.server.GearmanServer;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.health.GearmanHealthIndicator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code gearman} health indicator: per job server client and worker connectivity and the embedded server;
 * off by property, without Boot's health support, or when the user defines one.
 */
class GearmanHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class,
				GearmanHealthContributorAutoConfiguration.class));

	@Test
	void embeddedServerShouldBeUpWithClientWorkerAndServerDetails() {
		this.contextRunner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0")
			.withUserConfiguration(FunctionConfiguration.class)
			.run((context) -> {
				int port = context.getBean(GearmanServer.class).port();
				String server = "127.0.0.1:" + port;
				GearmanHealthIndicator indicator = context.getBean(GearmanHealthIndicator.class);
				await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
					Health health = indicator.health();
					assertThat(health.getStatus()).isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("servers", Map.of(server, "UP"))
						.containsEntry("worker", Map.of(server, "CONNECTED"))
						.containsEntry("embeddedServer", "listening on port " + port);
				});
			});
	}

	@Test
	void unreachableServerShouldBeDown() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.contextRunner.withPropertyValues("gearman.servers=127.0.0.1:" + port, "gearman.connect-timeout=1s")
			.run((context) -> {
				Health health = context.getBean(GearmanHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.DOWN);
				assertThat(health.getDetails()).containsEntry("servers", Map.of("127.0.0.1:" + port, "DOWN"));
			});
	}

	@Test
	void oneOfTwoServersDownShouldBeUpButDegraded() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.contextRunner
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
					"gearman.connect-timeout=1s")
			.run((context) -> {
				int embedded = context.getBean(GearmanServer.class).port();
				this.contextRunner
					.withPropertyValues("gearman.servers=127.0.0.1:" + embedded + ",127.0.0.1:" + port,
							"gearman.connect-timeout=1s")
					.run((other) -> {
						Health health = other.getBean(GearmanHealthIndicator.class).health();
						assertThat(health.getStatus()).isEqualTo(Status.UP);
						assertThat(health.getDetails()).containsKey("degraded");
					});
			});
	}

	@Test
	void propertyShouldDisableTheIndicator() {
		this.contextRunner.withPropertyValues("management.health.gearman.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GearmanHealthIndicator.class));
	}

	@Test
	void withoutHealthSupportOnTheClasspathNoIndicatorShouldBeConfigured() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(GearmanHealthIndicator.class));
	}

	@Test
	void userDefinedIndicatorShouldMakeTheAutoConfiguredOneBackOff() {
		this.contextRunner.withUserConfiguration(UserIndicatorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(GearmanHealthIndicator.class);
			assertThat(context.getBean("gearmanHealthIndicator", HealthIndicator.class).health().getStatus())
				.isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserIndicatorConfiguration {

		@Bean
		HealthIndicator gearmanHealthIndicator() {
			return () -> Health.outOfService().build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FunctionConfiguration {

		@Bean
		Echo echo() {
			return new Echo();
		}

	}

	static class Echo {

		@GearmanFunction
		String echo(String text) {
			return text;
		}

	}

}
