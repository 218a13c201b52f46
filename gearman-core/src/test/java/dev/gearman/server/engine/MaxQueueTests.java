package dev.gearman.server.engine;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-function queue limits set with {@code maxqueue} or {@code defaultMaxQueue} (protocol notes §3.11).
 */
class MaxQueueTests extends EngineTestSupport {

	@Test
	void maxqueueShouldRefuseJobsBeyondTheLimit() {
		TestPeer client = peer();
		submitBg(client, "f", "", "1");
		assertThat(admin("maxqueue f 2")).isEqualTo("OK\r\n");
		submitBg(client, "f", "", "2");
		client.sendData(PacketType.SUBMIT_JOB_BG, "3", "f", "");
		assertThat(client.expectError("QUEUE_ERROR")).isEqualTo("Job queue is full");
		client.sendData(PacketType.SUBMIT_JOB, "4", "f", "");
		assertThat(client.expectError("QUEUE_ERROR")).isEqualTo("Job queue is full");
		assertThat(status()).isEqualTo("f\t2\t0\t0\n.\n");
		assertThat(submitBg(client, "g", "", "other function")).isEqualTo(handle(3));
	}

	@Test
	void maxqueueShouldCountRunningJobs() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		admin("maxqueue f 2");
		submitBg(client, "f", "", "1");
		submitBg(client, "f", "", "2");
		grab(worker);
		grab(worker);
		assertThat(status()).isEqualTo("f\t2\t2\t1\n.\n");
		client.sendData(PacketType.SUBMIT_JOB_BG, "3", "f", "");
		client.expectError("QUEUE_ERROR");
	}

	@Test
	void maxqueueShouldCountJobsOfAllPriorities() {
		TestPeer client = peer();
		admin("maxqueue f 2");
		submit(client, PacketType.SUBMIT_JOB_LOW_BG, "f", "", "low");
		submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "normal");
		client.sendData(PacketType.SUBMIT_JOB_HIGH_BG, "high", "f", "");
		client.expectError("QUEUE_ERROR");
	}

	@Test
	void completedJobsShouldFreeRoomInTheQueue() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		admin("maxqueue f 1");
		String handle = submitBg(client, "f", "", "1");
		grab(worker);
		client.sendData(PacketType.SUBMIT_JOB_BG, "2", "f", "");
		client.expectError("QUEUE_ERROR");
		complete(worker, handle, "r");
		submitBg(client, "f", "", "2");
	}

	@Test
	void maxqueueWithThreeLimitsShouldLimitEachPriority() {
		TestPeer client = peer();
		assertThat(admin("maxqueue f 3 1 2")).isEqualTo("OK\r\n");
		submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "h1");
		client.sendData(PacketType.SUBMIT_JOB_BG, "n1", "f", "");
		client.expectError("QUEUE_ERROR");
		submit(client, PacketType.SUBMIT_JOB_LOW_BG, "f", "", "l1");
		client.sendData(PacketType.SUBMIT_JOB_LOW_BG, "l2", "f", "");
		client.expectError("QUEUE_ERROR");
		submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "h2");
		client.sendData(PacketType.SUBMIT_JOB_HIGH_BG, "h3", "f", "");
		client.expectError("QUEUE_ERROR");
	}

	@Test
	void maxqueueZeroShouldLiftTheLimit() {
		TestPeer client = peer();
		admin("maxqueue f 1");
		submitBg(client, "f", "", "1");
		client.sendData(PacketType.SUBMIT_JOB_BG, "2", "f", "");
		client.expectError("QUEUE_ERROR");
		assertThat(admin("maxqueue f 0")).isEqualTo("OK\r\n");
		for (int i = 2; i <= 5; i++) {
			submitBg(client, "f", "", Integer.toString(i));
		}
		assertThat(status()).isEqualTo("f\t5\t0\t0\n.\n");
	}

	@Test
	void maxqueueWithoutLimitShouldLiftTheLimit() {
		TestPeer client = peer();
		admin("maxqueue f 1");
		submitBg(client, "f", "", "1");
		assertThat(admin("maxqueue f")).isEqualTo("OK\r\n");
		submitBg(client, "f", "", "2");
	}

	@Test
	void maxqueueOnAFunctionNotSeenYetShouldApplyToItsFirstJobs() {
		TestPeer client = peer();
		assertThat(admin("maxqueue fresh 1")).isEqualTo("OK\r\n");
		submitBg(client, "fresh", "", "1");
		client.sendData(PacketType.SUBMIT_JOB_BG, "2", "fresh", "");
		client.expectError("QUEUE_ERROR");
	}

	@Test
	void defaultMaxQueueShouldApplyToNewFunctions() {
		this.settings.setDefaultMaxQueue(1);
		TestPeer client = peer();
		submitBg(client, "a", "", "1");
		client.sendData(PacketType.SUBMIT_JOB_BG, "2", "a", "");
		client.expectError("QUEUE_ERROR");
		submitBg(client, "b", "", "1");
		client.sendData(PacketType.SUBMIT_JOB, "2", "b", "");
		client.expectError("QUEUE_ERROR");
		assertThat(admin("maxqueue b 0")).isEqualTo("OK\r\n");
		submit(client, "b", "", "2");
		client.sendData(PacketType.SUBMIT_JOB_BG, "3", "a", "");
		client.expectError("QUEUE_ERROR");
	}

	@Test
	void duplicateSubmissionShouldCoalesceEvenWhenTheQueueIsFull() {
		TestPeer client = peer();
		admin("maxqueue f 1");
		String handle = submitBg(client, "f", "u", "1");
		assertThat(submit(client, "f", "u", "1")).isEqualTo(handle);
		assertThat(submitBg(client, "f", "u", "1")).isEqualTo(handle);
	}

	@Test
	void refusedSubmissionShouldNotCreateAJobOrUseAHandle() {
		TestPeer client = peer();
		admin("maxqueue f 1");
		submitBg(client, "f", "a", "1");
		client.sendData(PacketType.SUBMIT_JOB_BG, "2", "f", "b");
		client.expectError("QUEUE_ERROR");
		assertThat(admin("show unique jobs")).isEqualTo("a\n.\n");
		assertThat(submitBg(client, "g", "", "x")).isEqualTo(handle(2));
	}

}
