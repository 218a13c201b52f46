package dev.gearman.spring.observation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.spring.test.LocalGearmanConfiguration;
import dev.gearman.worker.FailJobException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Observations of the template's calls, submissions and status queries and of the workers' executions, through a
 * real {@link ObservationRegistry} with Micrometer's meter handler: names, the low-cardinality keys
 * {@code gearman.function} and {@code gearman.outcome}, errors, contextual names; and no plain timers beside them.
 */
class GearmanObservationTests {

	@Test
	void callsSubmissionsQueriesAndExecutionsShouldBeObservedWithFunctionAndOutcome() {
		MeterRegistry meters = new SimpleMeterRegistry();
		List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig()
			.observationHandler(new DefaultMeterObservationHandler(meters))
			.observationHandler(new Recording(stopped));
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.register(ObservedConfiguration.class);
			context.registerBean("observations", ObservationRegistry.class, () -> observations);
			context.refresh();
			GearmanTemplate template = context.getBean(GearmanTemplate.class);
			assertThat(template.call("shout", "hey")).isEqualTo("HEY");
			assertThatExceptionOfType(dev.gearman.client.GearmanJobFailedException.class)
				.isThrownBy(() -> template.call("shout", ""));
			JobHandle job = template.submitBackground("shout", "bg");
			template.status(job);
			await().until(() -> stopped.stream().filter((c) -> c.getName().equals("gearman.worker.executions"))
				.count() == 3);
			Map<String, List<String>> byName = stopped.stream()
				.collect(Collectors.groupingBy(Observation.Context::getName,
						Collectors.mapping(GearmanObservationTests::describe, Collectors.toList())));
			assertThat(byName.get("gearman.client.calls")).containsExactlyInAnyOrder(
					"call shout gearman.function=shout gearman.outcome=success",
					"call shout gearman.function=shout gearman.outcome=fail error=GearmanJobFailedException");
			assertThat(byName.get("gearman.client.submissions"))
				.containsExactly("submit shout gearman.function=shout gearman.outcome=success");
			assertThat(byName.get("gearman.client.status.queries"))
				.containsExactly("status gearman.function=handle gearman.outcome=success");
			assertThat(byName.get("gearman.worker.executions")).containsExactlyInAnyOrder(
					"execute shout gearman.function=shout gearman.outcome=success",
					"execute shout gearman.function=shout gearman.outcome=fail error=FailJobException",
					"execute shout gearman.function=shout gearman.outcome=success");
			assertThat(meters.get("gearman.client.calls").tags("gearman.function", "shout", "gearman.outcome", "fail")
				.timer().count()).isEqualTo(1);
			assertThat(meters.get("gearman.worker.executions").tags("gearman.outcome", "success").timer().count())
				.isEqualTo(2);
			// the plain timers are not recorded beside the observations
			assertThat(meters.find("gearman.client.calls").tag("result", "success").timer()).isNull();
		}
	}

	private static String describe(Observation.Context context) {
		String keys = context.getLowCardinalityKeyValues().stream()
			.filter((key) -> key.getKey().startsWith("gearman."))
			.map((key) -> key.getKey() + "=" + key.getValue())
			.sorted()
			.collect(Collectors.joining(" "));
		String error = (context.getError() != null) ? " error=" + context.getError().getClass().getSimpleName() : "";
		return context.getContextualName() + " " + keys + error;
	}

	/** Keeps every stopped observation's context. */
	private record Recording(List<Observation.Context> stopped) implements ObservationHandler<Observation.Context> {

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof GearmanClientObservationContext
					|| context instanceof GearmanWorkerObservationContext;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(LocalGearmanConfiguration.class)
	static class ObservedConfiguration {

		@Bean
		Functions functions(GearmanTemplate template, GearmanWorkerRegistry registry,
				ObservationRegistry observations) {
			template.setObservationRegistry(observations);
			registry.setObservationRegistry(observations);
			return new Functions();
		}

	}

	static class Functions {

		@GearmanFunction
		String shout(String text) {
			if (text.isEmpty()) {
				throw new FailJobException("nothing to shout");
			}
			return text.toUpperCase();
		}

	}

}
