package dev.gearman.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.client.GearmanNoWorkerException;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.server.GearmanServer;
import dev.gearman.spring.annotation.GearmanExchange;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanWorkerContainerFactory;
import dev.gearman.spring.core.JobHandlerDecorator;
import dev.gearman.spring.observation.GearmanClientObservationContext;
import dev.gearman.spring.observation.GearmanWorkerObservationContext;
import dev.gearman.spring.service.GearmanServiceProxyFactory;
import dev.gearman.spring.service.ImportGearmanServices;
import dev.gearman.worker.GearmanWorkerSettings;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What the auto-configuration adds for typed clients, failing fast, observations and the worker container seam, on
 * an embedded job server: {@code gearman.client.fail-if-no-worker}, {@code gearman.client.observation-enabled},
 * {@code gearman.worker.observation-enabled}, the {@link GearmanServiceProxyFactory} behind
 * {@code @ImportGearmanServices}, a {@link GearmanWorkerContainerFactory} and {@link JobHandlerDecorator}s of the
 * application's own.
 */
class GearmanClientFeaturesAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.client.timeout=20s");

	@Test
	void failIfNoWorkerShouldFailACallOfAFunctionWithoutWorkerAtOnce() {
		this.contextRunner.withPropertyValues("gearman.client.fail-if-no-worker=true").run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(GearmanNoWorkerException.class).isThrownBy(() -> template.call("nobody", "x"))
				.withMessageContaining("No worker has registered function 'nobody'");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
		});
	}

	@Test
	void withoutFailIfNoWorkerACallWaitsForItsTimeout() {
		this.contextRunner.withPropertyValues("gearman.client.timeout=300ms").run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanTimeoutException.class).isThrownBy(() -> template.call("nobody", "x"));
		});
	}

	@Test
	void typedClientsShouldCallThroughTheAutoConfiguredProxyFactory() {
		this.contextRunner.withUserConfiguration(TypedClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(GearmanServiceProxyFactory.class);
			assertThat(context.getBean(Echo.class).echo("typed")).isEqualTo("typed");
		});
	}

	@Test
	void applicationsOwnContainerFactoryAndDecoratorsShouldRunTheHandlers() {
		this.contextRunner.withUserConfiguration(DecoratedConfiguration.class).run((context) -> {
			assertThat(context.getBean(GearmanWorkerContainerFactory.class))
				.isSameAs(context.getBean("ownContainerFactory"));
			assertThat(context.getBean(GearmanTemplate.class).call("echo", "x")).isEqualTo("x");
			List<String> trail = context.getBean(DecoratedConfiguration.class).trail;
			assertThat(trail).containsExactly("container", "outer:echo", "inner:echo");
		});
	}

	@Test
	void observationsShouldBeMadeOnlyWhenEnabled() {
		List<Observation.Context> observed = new CopyOnWriteArrayList<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new Recording(observed));
		ApplicationContextRunner withEcho = this.contextRunner.withUserConfiguration(EchoConfiguration.class)
			.withBean(ObservationRegistry.class, () -> registry);
		withEcho.run((context) -> context.getBean(GearmanTemplate.class).call("echo", "not observed"));
		assertThat(observed).isEmpty();
		withEcho.withPropertyValues("gearman.client.observation-enabled=true", "gearman.worker.observation-enabled=true")
			.run((context) -> {
				context.getBean(GearmanTemplate.class).call("echo", "observed");
				await().atMost(Duration.ofSeconds(10)).until(() -> observed.size() == 2);
				assertThat(observed).extracting(Observation.Context::getName)
					.containsExactlyInAnyOrder("gearman.client.calls", "gearman.worker.executions");
			});
	}

	/** Keeps the stopped Gearman observations. */
	private record Recording(List<Observation.Context> observed) implements ObservationHandler<Observation.Context> {

		@Override
		public void onStop(Observation.Context context) {
			this.observed.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof GearmanClientObservationContext
					|| context instanceof GearmanWorkerObservationContext;
		}

	}

	@GearmanExchange
	interface Echo {

		String echo(String text);

	}

	@Configuration(proxyBeanMethods = false)
	static class EchoConfiguration {

		@Bean
		EchoFunction echoFunction() {
			return new EchoFunction();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportGearmanServices(types = Echo.class)
	static class TypedClientConfiguration extends EchoConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class DecoratedConfiguration extends EchoConfiguration {

		final List<String> trail = new CopyOnWriteArrayList<>();

		/** The default container, on the embedded server, made by the application's own factory. */
		@Bean
		GearmanWorkerContainerFactory ownContainerFactory(ObjectProvider<GearmanServer> server) {
			return () -> {
				this.trail.add("container");
				GearmanWorkerSettings settings = GearmanWorkerSettings.of("127.0.0.1:" + server.getObject().port());
				return GearmanWorkerContainerFactory.forServers(settings, null).createContainer();
			};
		}

		@Bean
		@Order(1)
		JobHandlerDecorator outer() {
			return (function, handler) -> (job) -> {
				this.trail.add("outer:" + function);
				return handler.execute(job);
			};
		}

		@Bean
		@Order(2)
		JobHandlerDecorator inner() {
			return (function, handler) -> (job) -> {
				this.trail.add("inner:" + function);
				return handler.execute(job);
			};
		}

	}

	static class EchoFunction {

		@GearmanFunction
		String echo(String text) {
			return text;
		}

	}

}
