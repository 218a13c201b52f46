package dev.gearman.spring.test;

import java.time.Duration;
import java.util.List;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.worker.FailJobException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link EnableGearmanTestHarness} with an embedded job server: the test waits for a background job it submitted
 * to finish on the application's worker, and sees what each job got and gave.
 */
@SpringBootTest
@EmbeddedGearmanServer
@EnableGearmanTestHarness
class GearmanTestHarnessTests {

	@Autowired
	private GearmanTemplate gearman;

	@Autowired
	private GearmanTestHarness harness;

	@Test
	void awaitJobShouldReturnOnceTheBackgroundJobHasRun() {
		JobHandle job = this.gearman.submitBackground("index", "page-1");
		GearmanTestHarness.Execution execution = this.harness.awaitJob(job, Duration.ofSeconds(20));
		assertThat(execution.function()).isEqualTo("index");
		assertThat(new String(execution.payload())).isEqualTo("page-1");
		assertThat(new String(execution.result())).isEqualTo("indexed page-1");
		assertThat(execution.failure()).isNull();
		assertThat(execution.unique()).isNotEmpty();
	}

	@Test
	void failuresShouldBeCapturedToo() {
		JobHandle job = this.gearman.submitBackground("index", "");
		assertThat(this.harness.awaitJob(job, Duration.ofSeconds(20)).failure())
			.isInstanceOf(FailJobException.class)
			.hasMessage("nothing to index");
	}

	@Test
	void awaitExecutionsShouldCountRunsBeforeAndAfterTheCall() {
		this.harness.reset();
		this.gearman.submitAllBackground("index", List.of("a", "b", "c"));
		assertThat(this.harness.awaitExecutions("index", 3, Duration.ofSeconds(20)))
			.extracting((execution) -> new String(execution.payload()))
			.containsExactlyInAnyOrder("a", "b", "c");
	}

	@Test
	void waitingForAJobThatNeverRunsShouldFailTheTest() {
		JobHandle nowhere = new JobHandle(this.gearman.client().servers().get(0), "H:nowhere:1");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.harness.awaitJob(nowhere, Duration.ofMillis(200)))
			.withMessageContaining("did not run on this application's workers");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Indexer indexer() {
			return new Indexer();
		}

	}

	static class Indexer {

		@GearmanFunction
		String index(String page) {
			if (page.isEmpty()) {
				throw new FailJobException("nothing to index");
			}
			return "indexed " + page;
		}

	}

}
