package dev.gearman.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.gearman.spring.core.GearmanPayloadConverter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Runs a {@code @SpringBootTest}'s {@code @GearmanFunction} handlers without a job server: the worker that would
 * take jobs from the servers is replaced by a {@link TestGearmanWorker} bean, which the test injects to call the
 * handlers. Nothing connects anywhere for the workers; use it where a live server adds nothing to what the test
 * checks (with {@link EmbeddedGearmanServer} for the tests where it does).
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;InProcessGearmanWorker
 * class ReverseWorkerTests {
 *
 *     &#64;Autowired
 *     TestGearmanWorker worker;
 *
 *     &#64;Test
 *     void reverses() throws Exception {
 *         assertThat(worker.call("reverse", "Hello", String.class)).isEqualTo("olleH");
 *     }
 * }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Import(InProcessGearmanWorker.TestWorkerConfiguration.class)
public @interface InProcessGearmanWorker {

	/**
	 * Registers the {@link TestGearmanWorker}, which the auto-configured registry then runs its handlers on.
	 */
	@Configuration(proxyBeanMethods = false)
	class TestWorkerConfiguration {

		@Bean
		TestGearmanWorker testGearmanWorker(GearmanPayloadConverter converter) {
			return new TestGearmanWorker(converter);
		}

	}

}
