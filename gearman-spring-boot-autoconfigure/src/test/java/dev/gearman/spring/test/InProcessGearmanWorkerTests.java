package dev.gearman.spring.test;

import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.worker.FailJobException;
import dev.gearman.worker.JobContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link InProcessGearmanWorker} on a {@code @SpringBootTest} with no job server anywhere: the application's
 * {@code @GearmanFunction} handlers are registered with the {@link TestGearmanWorker}, which calls them with
 * converted payloads, reports progress to a {@link RecordingReporter}, and throws what they throw.
 */
@SpringBootTest(properties = "gearman.servers=192.0.2.1:4730")
@InProcessGearmanWorker
class InProcessGearmanWorkerTests {

	@Autowired
	private TestGearmanWorker worker;

	@Autowired
	private GearmanWorkerRegistry registry;

	@Test
	void handlersShouldBeRegisteredWithTheTestWorkerInsteadOfAServer() {
		assertThat(this.worker.functions()).containsExactly("discount", "progress");
		assertThat(this.registry.getContainer()).isSameAs(this.worker);
		assertThat(this.worker.connectivity()).isEmpty();
	}

	@Test
	void callShouldConvertTheWorkloadAndTheResultAsAJobWould() throws Exception {
		assertThat(this.worker.call("discount", new Price(200), Price.class)).isEqualTo(new Price(180));
	}

	@Test
	void failureShouldBeThrownAsTheHandlerThrewIt() {
		assertThatExceptionOfType(FailJobException.class)
			.isThrownBy(() -> this.worker.call("discount", new Price(-1), Price.class))
			.withMessage("negative amount");
	}

	@Test
	void reportsShouldGoToTheReporterOfAContextTheTestBuilt() throws Exception {
		RecordingReporter reports = new RecordingReporter();
		JobContext job = JobContext.builder("progress").payload("abc").unique("u-1").reporter(reports).build();
		assertThat(new String(this.worker.execute(job))).isEqualTo("done abc u-1");
		assertThat(reports.statuses()).containsExactly(new RecordingReporter.Status(1, 2),
				new RecordingReporter.Status(2, 2));
		assertThat(reports.warnings()).containsExactly("halfway");
		assertThat(reports.data()).hasSize(1);
	}

	record Price(int cents) {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Shop shop() {
			return new Shop();
		}

	}

	static class Shop {

		@GearmanFunction
		Price discount(Price price) {
			if (price.cents() < 0) {
				throw new FailJobException("negative amount");
			}
			return new Price(price.cents() * 9 / 10);
		}

		@GearmanFunction
		String progress(String text, JobContext job) {
			job.sendStatus(1, 2);
			job.sendWarning("halfway".getBytes());
			job.sendData(text.getBytes());
			job.sendStatus(2, 2);
			return "done " + text + " " + job.unique();
		}

	}

}
