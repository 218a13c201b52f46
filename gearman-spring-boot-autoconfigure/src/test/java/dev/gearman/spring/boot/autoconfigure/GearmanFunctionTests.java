package dev.gearman.spring.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanWorkerException;
import dev.gearman.client.JobListener;
import dev.gearman.client.JobRequest;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.core.GearmanFunctionEndpoint;
import dev.gearman.spring.core.GearmanPayloadConversionException;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.worker.FailJobException;
import dev.gearman.worker.JobContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @GearmanFunction} methods served by the auto-configured worker and called through the template, on an
 * embedded job server on a free port: parameter resolution, return values, errors, attributes with placeholders,
 * and signatures that must fail at startup.
 */
class GearmanFunctionTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class, GearmanAutoConfiguration.class,
				JacksonAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.client.timeout=10s");

	@Test
	void parametersAndReturnValuesShouldBeConverted() {
		this.contextRunner.withUserConfiguration(FunctionsConfiguration.class).run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThat(template.call("reverse", "Hello")).isEqualTo("olleH");
			assertThat(template.call("bytes", new byte[] { 1, 2, 3 })).containsExactly(3, 2, 1);
			Invoice invoice = template.call("invoice", new Order("o-7", 3, 250), Invoice.class);
			assertThat(invoice).isEqualTo(new Invoice("o-7", 750));
			assertThat(template.call("orderCount", List.of(new Order("a", 1, 1), new Order("b", 2, 2)),
					Integer.class))
				.isEqualTo(2);
			assertThat(template.call("ignore", "x", byte[].class)).isEmpty();
			assertThat(context.getBean(Functions.class).ignored).containsExactly("x");
		});
	}

	@Test
	void jobContextShouldGiveHandleUniqueAndProgressToTheHandler() {
		this.contextRunner.withUserConfiguration(FunctionsConfiguration.class).run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			List<String> events = new CopyOnWriteArrayList<>();
			JobListener listener = new JobListener() {
				@Override
				public void onStatus(long numerator, long denominator) {
					events.add("status " + numerator + "/" + denominator);
				}

				@Override
				public void onData(byte[] data) {
					events.add("data " + new String(data, StandardCharsets.UTF_8));
				}

				@Override
				public void onWarning(byte[] data) {
					events.add("warning " + new String(data, StandardCharsets.UTF_8));
				}
			};
			byte[] result = template.call(JobRequest.of("progress", "job-payload")
				.withUnique("u-42")
				.withListener(listener));
			assertThat(new String(result, StandardCharsets.UTF_8)).startsWith("u-42 job-payload H:");
			assertThat(events).containsExactly("status 1/2", "data partial", "warning careful", "status 2/2");
		});
	}

	@Test
	void exceptionShouldReachTheCallerAsWorkException() {
		this.contextRunner.withUserConfiguration(FunctionsConfiguration.class).run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThatExceptionOfType(GearmanWorkerException.class).isThrownBy(() -> template.call("explode", "x"))
				.withMessageContaining("IllegalStateException")
				.withMessageContaining("no stock for x");
			assertThatExceptionOfType(GearmanJobFailedException.class)
				.isThrownBy(() -> template.call("refuse", "x"));
		});
	}

	@Test
	void unconvertibleWorkloadShouldNameFunctionAndType() {
		this.contextRunner.withUserConfiguration(FunctionsConfiguration.class).run((context) -> {
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			// a conversion on the worker, which the caller can tell from an exception of the method itself
			assertThatExceptionOfType(GearmanPayloadConversionException.class)
				.isThrownBy(() -> template.call("invoice", "not json"))
				.withMessageContaining("function 'invoice'")
				.withMessageContaining(Order.class.getName())
				.satisfies((ex) -> assertThat(ex.isRemote()).isTrue());
		});
	}

	@Test
	void attributesShouldResolvePlaceholders() {
		this.contextRunner.withUserConfiguration(PlaceholderConfiguration.class)
			.withPropertyValues("app.function=resolved-name", "app.id=resolved-id", "app.concurrency=3",
					"app.timeout=1500ms")
			.run((context) -> {
				GearmanWorkerRegistry registry = context.getBean(GearmanWorkerRegistry.class);
				GearmanFunctionEndpoint endpoint = registry.getEndpoint("resolved-id");
				assertThat(endpoint).isNotNull();
				assertThat(endpoint.function()).isEqualTo("resolved-name");
				assertThat(endpoint.concurrency()).isEqualTo(3);
				assertThat(endpoint.timeout()).isEqualTo(Duration.ofMillis(1500));
				assertThat(endpoint.toRegistration().timeout()).isEqualTo(Duration.ofMillis(1500));
				assertThat(context.getBean(GearmanTemplate.class).call("resolved-name", "abc")).isEqualTo("ABC");
			});
	}

	@Test
	void defaultsShouldBeMethodNameWithoutLimits() {
		this.contextRunner.withUserConfiguration(FunctionsConfiguration.class).run((context) -> {
			GearmanFunctionEndpoint endpoint = context.getBean(GearmanWorkerRegistry.class).getEndpoint("reverse");
			assertThat(endpoint).isNotNull();
			assertThat(endpoint.function()).isEqualTo("reverse");
			assertThat(endpoint.concurrency()).isZero();
			assertThat(endpoint.timeout()).isNull();
		});
	}

	@Test
	void badConcurrencyShouldFailAtStartupNamingBeanAndMethod() {
		this.contextRunner.withUserConfiguration(PlaceholderConfiguration.class)
			.withPropertyValues("app.function=f", "app.id=i", "app.concurrency=many", "app.timeout=1s")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@GearmanFunction method 'upper' of bean 'placeholderFunctions'")
				.hasStackTraceContaining("concurrency '${app.concurrency}' = 'many'"));
	}

	@Test
	void badTimeoutShouldFailAtStartupNamingBeanAndMethod() {
		this.contextRunner.withUserConfiguration(PlaceholderConfiguration.class)
			.withPropertyValues("app.function=f", "app.id=i", "app.concurrency=1", "app.timeout=soon")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@GearmanFunction method 'upper' of bean 'placeholderFunctions'")
				.hasStackTraceContaining("timeout '${app.timeout}' = 'soon'"));
	}

	@Test
	void twoPayloadParametersShouldFailAtStartupNamingBeanAndMethod() {
		this.contextRunner.withUserConfiguration(TwoPayloadsConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("@GearmanFunction method 'join' of bean 'twoPayloads'")
				.hasStackTraceContaining("2 payload parameters"));
	}

	@Test
	void lazyBeanCreatedAfterStartShouldBeServedAtOnce() {
		this.contextRunner.withUserConfiguration(FunctionsConfiguration.class, LazyConfiguration.class)
			.run((context) -> {
				GearmanWorkerRegistry registry = context.getBean(GearmanWorkerRegistry.class);
				assertThat(registry.getEndpoint("late")).isNull();
				context.getBean(LateFunctions.class);
				assertThat(registry.getEndpoint("late")).isNotNull();
				assertThat(context.getBean(GearmanTemplate.class).call("late", "x")).isEqualTo("late x");
			});
	}

	@Test
	void duplicateFunctionNamesShouldFailAtStartup() {
		this.contextRunner.withUserConfiguration(DuplicateConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("Function 'same' is served by both"));
	}

	/** A JSON workload. */
	record Order(String id, int quantity, int unitPrice) {
	}

	/** A JSON result. */
	record Invoice(String orderId, int total) {
	}

	@Configuration(proxyBeanMethods = false)
	static class FunctionsConfiguration {

		@Bean
		Functions functions() {
			return new Functions();
		}

	}

	static class Functions {

		final List<String> ignored = new CopyOnWriteArrayList<>();

		@GearmanFunction
		String reverse(String text) {
			return new StringBuilder(text).reverse().toString();
		}

		@GearmanFunction
		byte[] bytes(byte[] data) {
			byte[] reversed = new byte[data.length];
			for (int i = 0; i < data.length; i++) {
				reversed[i] = data[data.length - 1 - i];
			}
			return reversed;
		}

		@GearmanFunction
		Invoice invoice(Order order) {
			return new Invoice(order.id(), order.quantity() * order.unitPrice());
		}

		@GearmanFunction
		int orderCount(List<Order> orders) {
			assertThat(orders.get(0)).isInstanceOf(Order.class);
			return orders.size();
		}

		@GearmanFunction
		void ignore(String text) {
			this.ignored.add(text);
		}

		@GearmanFunction
		String progress(JobContext job, String payload) {
			job.sendStatus(1, 2);
			job.sendData("partial".getBytes(StandardCharsets.UTF_8));
			job.sendWarning("careful".getBytes(StandardCharsets.UTF_8));
			job.sendStatus(2, 2);
			return job.unique() + " " + payload + " " + job.handle();
		}

		@GearmanFunction
		String explode(String item) {
			throw new IllegalStateException("no stock for " + item);
		}

		@GearmanFunction
		String refuse(String item) {
			throw new FailJobException("refused " + item);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyConfiguration {

		@Bean
		@Lazy
		LateFunctions lateFunctions() {
			return new LateFunctions();
		}

	}

	static class LateFunctions {

		@GearmanFunction
		String late(String text) {
			return "late " + text;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PlaceholderConfiguration {

		@Bean
		PlaceholderFunctions placeholderFunctions() {
			return new PlaceholderFunctions();
		}

	}

	static class PlaceholderFunctions {

		@GearmanFunction(name = "${app.function}", id = "${app.id}", concurrency = "${app.concurrency}",
				timeout = "${app.timeout}")
		String upper(String text) {
			return text.toUpperCase();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoPayloadsConfiguration {

		@Bean
		TwoPayloads twoPayloads() {
			return new TwoPayloads();
		}

	}

	static class TwoPayloads {

		@GearmanFunction
		String join(String a, String b) {
			return a + b;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateConfiguration {

		@Bean
		Same one() {
			return new Same();
		}

		@Bean
		Same two() {
			return new Same();
		}

	}

	static class Same {

		@GearmanFunction(name = "same")
		String same(String text) {
			return text;
		}

	}

}
