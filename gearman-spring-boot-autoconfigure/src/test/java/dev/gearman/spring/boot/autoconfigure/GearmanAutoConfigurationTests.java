package dev.gearman.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.connection.ServerAddress;
import dev.gearman.server.GearmanServer;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.core.GearmanFunctionAnnotationBeanPostProcessor;
import dev.gearman.spring.core.GearmanPayloadConverter;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanTemplateCustomizer;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of {@link GearmanAutoConfiguration}: what is there by default, what backs off, what a property
 * switches off, and which job servers clients and workers are pointed at.
 */
class GearmanAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class,
				JacksonAutoConfiguration.class));

	@Test
	void defaultsShouldProvideClientTemplateConverterAndWorkerRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(GearmanClient.class)
				.hasSingleBean(GearmanTemplate.class)
				.hasSingleBean(GearmanPayloadConverter.class)
				.hasSingleBean(GearmanWorkerRegistry.class)
				.hasBean(GearmanFunctionAnnotationBeanPostProcessor.BEAN_NAME)
				.doesNotHaveBean(GearmanServer.class);
			assertThat(context.getBean(GearmanClient.class).servers())
				.containsExactly(new ServerAddress("127.0.0.1", 4730));
			assertThat(context.getBean(GearmanPayloadConverter.class).hasJson()).isTrue();
		});
	}

	@Test
	void serversPropertyShouldPointTheClientAtThoseServers() {
		this.contextRunner.withPropertyValues("gearman.servers=10.0.0.1:4731,gearmand.example:4732")
			.run((context) -> assertThat(context.getBean(GearmanClient.class).servers()).containsExactly(
					new ServerAddress("10.0.0.1", 4731), new ServerAddress("gearmand.example", 4732)));
	}

	@Test
	void userDefinedClientShouldMakeTheAutoConfiguredOneBackOff() {
		this.contextRunner.withUserConfiguration(UserClientConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(GearmanClient.class);
			assertThat(context.getBean(GearmanClient.class).servers())
				.containsExactly(new ServerAddress("192.0.2.1", 4730));
			assertThat(context.getBean(GearmanTemplate.class).client()).isSameAs(context.getBean("userClient"));
		});
	}

	@Test
	void userDefinedTemplateShouldMakeTheAutoConfiguredOneBackOff() {
		this.contextRunner.withUserConfiguration(UserTemplateConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(GearmanTemplate.class);
			assertThat(context.getBean(GearmanTemplate.class)).isSameAs(context.getBean("userTemplate"));
		});
	}

	@Test
	void userDefinedConverterShouldMakeTheAutoConfiguredOneBackOff() {
		this.contextRunner.withUserConfiguration(UserConverterConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(GearmanPayloadConverter.class);
			assertThat(context.getBean(GearmanPayloadConverter.class)).isSameAs(context.getBean("userConverter"));
		});
	}

	@Test
	void userDefinedWorkerRegistryShouldMakeTheAutoConfiguredOneBackOff() {
		this.contextRunner.withUserConfiguration(UserWorkerRegistryConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(GearmanWorkerRegistry.class);
			assertThat(context.getBean(GearmanWorkerRegistry.class)).isSameAs(context.getBean("userRegistry"));
		});
	}

	@Test
	void templateCustomizersShouldBeAppliedInOrder() {
		this.contextRunner.withUserConfiguration(CustomizersConfiguration.class).run((context) -> {
			List<String> calls = context.getBean(CustomizersConfiguration.class).calls;
			assertThat(calls).containsExactly("first", "second");
		});
	}

	@Test
	void workerEnabledFalseShouldLeaveOutTheWorkerButKeepTheClient() {
		this.contextRunner.withPropertyValues("gearman.worker.enabled=false")
			.withUserConfiguration(AnnotatedBeanConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(GearmanWorkerRegistry.class)
					.doesNotHaveBean(GearmanFunctionAnnotationBeanPostProcessor.BEAN_NAME)
					.hasSingleBean(GearmanTemplate.class);
			});
	}

	@Test
	void withoutGearmanCoreOnTheClasspathNothingShouldBeConfigured() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(GearmanClient.class, GearmanServer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(GearmanTemplate.class)
				.doesNotHaveBean(GearmanWorkerRegistry.class));
	}

	@Test
	void withoutJacksonTheConverterShouldHandleBytesAndTextOnly() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JsonMapper.class)).run((context) -> {
			GearmanPayloadConverter converter = context.getBean(GearmanPayloadConverter.class);
			assertThat(converter.hasJson()).isFalse();
			assertThat(converter.<String>fromBytes("text".getBytes(StandardCharsets.UTF_8), String.class))
				.isEqualTo("text");
		});
	}

	@Test
	void withoutJacksonAJsonSignatureShouldFailAtStartupNamingBeanAndMethod() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(JsonMapper.class))
			.withUserConfiguration(JsonBeanConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@GearmanFunction method 'total' of bean 'jsonBean'")
				.hasStackTraceContaining("no JsonMapper"));
	}

	@Test
	void converterShouldUseTheApplicationsJsonMapper() {
		this.contextRunner.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
			.run((context) -> {
				GearmanPayloadConverter converter = context.getBean(GearmanPayloadConverter.class);
				assertThat(new String(converter.toBytes(new Purchase("a-1", 3)), StandardCharsets.UTF_8))
					.isEqualTo("{\"order_id\":\"a-1\",\"quantity\":3}");
			});
	}

	@Test
	void converterShouldUseAUserJsonMapperBean() {
		this.contextRunner.withUserConfiguration(UserJsonMapperConfiguration.class).run((context) -> {
			GearmanPayloadConverter converter = context.getBean(GearmanPayloadConverter.class);
			assertThat(new String(converter.toBytes(new Purchase("a-1", 3)), StandardCharsets.UTF_8))
				.isEqualTo("{\"order-id\":\"a-1\",\"quantity\":3}");
		});
	}

	@Test
	void charsetPropertyShouldApplyToTextPayloads() {
		this.contextRunner.withPropertyValues("gearman.charset=ISO-8859-1").run((context) -> {
			GearmanPayloadConverter converter = context.getBean(GearmanPayloadConverter.class);
			assertThat(converter.toBytes("é")).containsExactly(0xE9);
			assertThat(converter.<String>fromBytes(new byte[] { (byte) 0xE9 }, String.class)).isEqualTo("é");
		});
	}

	@Test
	void embeddedServerShouldServeClientsAndPublishItsPort() {
		this.contextRunner.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0")
			.run((context) -> {
				GearmanServer server = context.getBean(GearmanServer.class);
				assertThat(server.isRunning()).isTrue();
				assertThat(server.port()).isPositive();
				assertThat(context.getEnvironment().getProperty("local.gearman.port", Integer.class))
					.isEqualTo(server.port());
				assertThat(context.getBean(GearmanClient.class).servers())
					.containsExactly(new ServerAddress("127.0.0.1", server.port()));
			});
	}

	@Test
	void explicitServersShouldWinOverTheEmbeddedServerWhichStillRuns() {
		this.contextRunner
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
					"gearman.servers=192.0.2.7:4730")
			.run((context) -> {
				assertThat(context.getBean(GearmanServer.class).isRunning()).isTrue();
				assertThat(context.getBean(GearmanClient.class).servers())
					.containsExactly(new ServerAddress("192.0.2.7", 4730));
			});
	}

	@Test
	void embeddedServerOnASpecificAddressShouldBeReachedThere() {
		this.contextRunner
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
					"gearman.server.address=127.0.0.2")
			.withUserConfiguration(AnnotatedBeanConfiguration.class)
			.run((context) -> {
				assertThat(context.getBean(GearmanClient.class).servers())
					.containsExactly(new ServerAddress("127.0.0.2", context.getBean(GearmanServer.class).port()));
				assertThat(context.getBean(GearmanTemplate.class).call("echo", "via 127.0.0.2"))
					.isEqualTo("via 127.0.0.2");
			});
	}

	@Test
	void workerConcurrencyBelowOneShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("gearman.worker.concurrency=0")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("gearman.worker.concurrency")
				.hasStackTraceContaining("At least 1 job"));
	}

	@Test
	void emptyServersShouldMeanTheEmbeddedServer() {
		// what @EmbeddedGearmanServer sets, to override servers an application.yml may list
		this.contextRunner
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.servers=")
			.run((context) -> assertThat(context.getBean(GearmanClient.class).servers())
				.containsExactly(new ServerAddress("127.0.0.1", context.getBean(GearmanServer.class).port())));
	}

	@Test
	void propertiesShouldBindToClientAndWorkerSettings() {
		this.contextRunner
			.withPropertyValues("gearman.client.timeout=2s", "gearman.client.id=app-client",
					"gearman.worker.id=app-worker", "gearman.worker.concurrency=9",
					"gearman.worker.shutdown-timeout=45s", "gearman.connect-timeout=750ms")
			.run((context) -> {
				GearmanProperties properties = context.getBean(GearmanProperties.class);
				assertThat(properties.getClient().getTimeout()).hasSeconds(2);
				assertThat(properties.getClient().getId()).isEqualTo("app-client");
				assertThat(properties.getWorker().getId()).isEqualTo("app-worker");
				assertThat(properties.getWorker().getConcurrency()).isEqualTo(9);
				assertThat(properties.getWorker().getShutdownTimeout()).hasSeconds(45);
				assertThat(properties.getConnectTimeout()).hasMillis(750);
			});
	}

	/** A JSON payload. */
	record Purchase(String orderId, int quantity) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UserClientConfiguration {

		@Bean(destroyMethod = "close")
		GearmanClient userClient() {
			return new GearmanClient(GearmanClientSettings.of("192.0.2.1:4730"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfiguration {

		@Bean
		GearmanTemplate userTemplate(GearmanClient client) {
			return new GearmanTemplate(client, new GearmanPayloadConverter(null, StandardCharsets.UTF_8));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConverterConfiguration {

		@Bean
		GearmanPayloadConverter userConverter() {
			return new GearmanPayloadConverter(JsonMapper.builder().build(), StandardCharsets.UTF_16);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWorkerRegistryConfiguration {

		@Bean
		GearmanWorkerRegistry userRegistry() {
			return new GearmanWorkerRegistry(dev.gearman.worker.GearmanWorkerSettings.of("192.0.2.1:4730"), null,
					java.time.Duration.ofSeconds(1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserJsonMapperConfiguration {

		@Bean
		JsonMapper userJsonMapper() {
			return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizersConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		GearmanTemplateCustomizer secondCustomizer() {
			return (template) -> this.calls.add("second");
		}

		@Bean
		@Order(1)
		GearmanTemplateCustomizer firstCustomizer() {
			return (template) -> this.calls.add("first");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AnnotatedBeanConfiguration {

		@Bean
		AnnotatedBean annotatedBean() {
			return new AnnotatedBean();
		}

	}

	static class AnnotatedBean {

		@GearmanFunction
		String echo(String text) {
			return text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JsonBeanConfiguration {

		@Bean
		JsonBean jsonBean() {
			return new JsonBean();
		}

	}

	static class JsonBean {

		@GearmanFunction
		int total(Map<String, Integer> quantities) {
			return quantities.values().stream().mapToInt(Integer::intValue).sum();
		}

	}

}
