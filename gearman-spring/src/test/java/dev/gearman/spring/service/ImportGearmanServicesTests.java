package dev.gearman.spring.service;

import dev.gearman.spring.annotation.GearmanExchange;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.service.scanned.Greeter;
import dev.gearman.spring.service.scanned.NotAClient;
import dev.gearman.spring.test.LocalGearmanConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ImportGearmanServices} registers a bean per typed client, listed or found by scanning, that calls through
 * the template of the context (or the context's own {@link GearmanServiceProxyFactory}).
 */
class ImportGearmanServicesTests {

	@Test
	void scannedAndListedClientsShouldBecomeBeansThatCallTheirFunctions() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(
				ScanningConfiguration.class)) {
			assertThat(context.getBean(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada");
			assertThat(context.getBean(Shouter.class).shout("hey")).isEqualTo("HEY");
			assertThat(context.getBeanNamesForType(Greeter.class)).containsExactly(Greeter.class.getName());
			assertThat(context.getBeanNamesForType(NotAClient.class)).isEmpty();
		}
	}

	@Test
	void placeholdersInTheAnnotationsShouldResolveFromTheContext() {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.getEnvironment().getSystemProperties().put("shout.function", "shout");
			context.register(ScanningConfiguration.class);
			context.refresh();
			assertThat(context.getBean(ConfiguredShouter.class).call("abc")).isEqualTo("ABC");
		}
		finally {
			System.clearProperty("shout.function");
		}
	}

	@GearmanExchange
	interface Shouter {

		String shout(String text);

	}

	@GearmanExchange
	interface ConfiguredShouter {

		@GearmanExchange("${shout.function:missing}")
		String call(String text);

	}

	@Configuration(proxyBeanMethods = false)
	@Import(LocalGearmanConfiguration.class)
	@ImportGearmanServices(basePackageClasses = Greeter.class, types = { Shouter.class, ConfiguredShouter.class })
	static class ScanningConfiguration {

		@Bean
		Functions functions() {
			return new Functions();
		}

	}

	static class Functions {

		@GearmanFunction
		String greet(String name) {
			return "Hello, " + name;
		}

		@GearmanFunction
		String shout(String text) {
			return text.toUpperCase();
		}

	}

}
