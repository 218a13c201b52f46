package dev.gearman.samples.reverse;

import dev.gearman.spring.test.InProcessGearmanWorker;
import dev.gearman.spring.test.TestGearmanWorker;
import dev.gearman.worker.FailJobException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code reverse} worker tested without any job server: {@code @InProcessGearmanWorker} hands its handler to a
 * {@link TestGearmanWorker}, which calls it as a job would.
 */
@SpringBootTest(properties = "gearman.server.enabled=false")
@InProcessGearmanWorker
class ReverseWorkerTests {

	@Autowired
	private TestGearmanWorker worker;

	@Test
	void reverseShouldReverseTheText() throws Exception {
		assertThat(this.worker.call("reverse", "Hello World!", String.class)).isEqualTo("!dlroW olleH");
	}

	@Test
	void blankTextShouldFailTheJobWithAReason() {
		assertThatExceptionOfType(FailJobException.class)
			.isThrownBy(() -> this.worker.call("reverse", " ", String.class))
			.withMessage("nothing to reverse");
	}

}
