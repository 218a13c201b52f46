package dev.gearman.server.engine;

import java.time.Duration;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry limit (gearmand's {@code --job-retries}) applies to every way a job can lose its worker, not only a
 * disconnect: a CAN_DO_TIMEOUT overrun, CANT_DO and RESET_ABILITIES count as attempts too (protocol notes §3.6,
 * §3.7).
 */
class RetryLimitTests extends EngineTestSupport {

	@Test
	void canDoTimeoutOverrunShouldFailTheJobAtTheRetryLimit() {
		this.settings.setRetryLimit(1);
		TestPeer client = peer();
		TestPeer slow = peer();
		slow.send(PacketType.CAN_DO_TIMEOUT, "f", "100");
		String handle = submit(client, "f", "u", "data");
		grab(slow);
		advance(Duration.ofMillis(100));
		client.expect(PacketType.WORK_FAIL, handle);
		complete(slow, handle, "too late");
		slow.expectError("JOB_NOT_FOUND");
		client.expectNoMessage();
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void cantDoMidJobShouldCountAsAnAttempt() {
		this.settings.setRetryLimit(1);
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "u", "data");
		grab(worker);
		worker.send(PacketType.CANT_DO, "f");
		client.expect(PacketType.WORK_FAIL, handle);
		expectNoJob(worker("f"));
	}

	@Test
	void resetAbilitiesMidJobShouldCountAsAnAttempt() {
		this.settings.setRetryLimit(1);
		TestPeer client = peer();
		TestPeer worker = worker("f", "g");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		worker.send(PacketType.RESET_ABILITIES);
		client.expect(PacketType.WORK_FAIL, handle);
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void jobBelowTheRetryLimitShouldStayQueuedWithItsAttemptsCounted() {
		this.settings.setRetryLimit(3);
		TestPeer client = peer();
		String handle = submit(client, "f", "u", "data");
		for (int attempt = 1; attempt <= 2; attempt++) {
			TestPeer worker = worker("f");
			assertAssigned(grab(worker), handle, "f", "data");
			worker.disconnect();
		}
		assertThat(showJobs()).isEqualTo(handle + "\t2\t0\t0\n.\n");
		client.expectNoMessage();
		TestPeer last = worker("f");
		assertAssigned(grab(last), handle, "f", "data");
		complete(last, handle, "done");
		client.expectData(PacketType.WORK_COMPLETE, "done", handle);
	}

	@Test
	void backgroundJobAtTheRetryLimitShouldBeRemoved() {
		this.settings.setRetryLimit(1);
		String handle = submitBg(peer(), "f", "u", "data");
		TestPeer worker = worker("f");
		assertAssigned(grab(worker), handle, "f", "data");
		worker.disconnect();
		assertThat(showJobs()).isEqualTo(".\n");
		assertThat(status()).isEqualTo("f\t0\t0\t0\n.\n");
		TestPeer client = peer();
		assertThat(submitBg(client, "f", "u", "data")).as("the unique is free again").isNotEqualTo(handle);
	}

}
