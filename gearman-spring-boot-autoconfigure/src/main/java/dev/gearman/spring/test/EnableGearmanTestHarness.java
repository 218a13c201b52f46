package dev.gearman.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Adds a {@link GearmanTestHarness} to a {@code @SpringBootTest}, in the spirit of Spring AMQP's
 * {@code @RabbitListenerTest}: every job the application's {@code @GearmanFunction} handlers run is captured, and the
 * test can wait for a background job to finish. Works with a live server ({@link EmbeddedGearmanServer}) and with
 * {@link InProcessGearmanWorker}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(EnableGearmanTestHarness.HarnessConfiguration.class)
public @interface EnableGearmanTestHarness {

	/**
	 * Registers the harness, a handler decorator the auto-configured worker registry applies.
	 */
	@Configuration(proxyBeanMethods = false)
	class HarnessConfiguration {

		@Bean
		GearmanTestHarness gearmanTestHarness() {
			return new GearmanTestHarness();
		}

	}

}
