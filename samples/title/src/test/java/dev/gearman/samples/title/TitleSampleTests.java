package dev.gearman.samples.title;

import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample end to end on an embedded server: the {@link PriorityDemo} runs at startup, as with
 * {@code spring-boot:run}, and the worker must have run its queued jobs by priority, first come first served
 * within a priority.
 */
@SpringBootTest
@EmbeddedGearmanServer
class TitleSampleTests {

	@Autowired
	private TitleBoard board;

	@Autowired
	private GearmanTemplate gearman;

	@Test
	void queuedJobsShouldRunHighFirstAndInOrderWithinAPriority() {
		assertThat(this.board.titles()).startsWith("A High Priority Job, Queued Third",
				"Another High Priority Job, Queued Sixth", "A Normal Priority Job, Queued Second",
				"Another Normal Priority Job, Queued Fifth", "A Low Priority Job, Queued First",
				"Another Low Priority Job, Queued Fourth");
	}

	@Test
	void titleShouldBeUcwordsOfStrtolower() {
		assertThat(this.gearman.call("title", "tHE QUICK brown\tfOX-trot")).isEqualTo("The Quick Brown\tFox-trot");
	}

}
