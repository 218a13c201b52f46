package dev.gearman.server.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CAN_DO_TIMEOUT (protocol notes §3.6) and SUBMIT_JOB_EPOCH (§3.8): the engine's timers.
 */
class TimeoutAndEpochTests extends EngineTestSupport {

	@Test
	void jobNotCompletedWithinCanDoTimeoutShouldBeRequeued() {
		TestPeer client = peer();
		TestPeer slow = peer();
		slow.send(PacketType.CAN_DO_TIMEOUT, "f", "200");
		TestPeer other = worker("f");
		String handle = submit(client, "f", "", "data");
		long start = System.nanoTime();
		assertAssigned(grab(slow), handle, "f", "data");
		other.send(PacketType.PRE_SLEEP);
		other.expect(PacketType.NOOP);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
		assertAssigned(grab(other), handle, "f", "data");
		assertThat(showJobs()).isEqualTo(handle + "\t1\t0\t0\n.\n");
		complete(other, handle, "r");
		client.expectData(PacketType.WORK_COMPLETE, "r", handle);
	}

	@Test
	void lateWorkCompleteAfterCanDoTimeoutShouldBeJobNotFound() {
		TestPeer client = peer();
		TestPeer slow = peer();
		slow.send(PacketType.CAN_DO_TIMEOUT, "f", "200");
		TestPeer watcher = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(slow);
		watcher.send(PacketType.PRE_SLEEP);
		watcher.expect(PacketType.NOOP);
		complete(slow, handle, "too late");
		assertThat(slow.expectError("JOB_NOT_FOUND")).isEqualTo("Job given in work result not found");
		client.expectNoMessage();
	}

	@Test
	void canDoTimeoutTimersShouldBePerJob() {
		TestPeer client = peer();
		TestPeer slow = peer();
		slow.send(PacketType.CAN_DO_TIMEOUT, "f", "200");
		String first = submitBg(client, "f", "a", "one");
		String second = submitBg(client, "f", "b", "two");
		grab(slow);
		grab(slow);
		await().atMost(Duration.ofSeconds(3))
			.pollInterval(Duration.ofMillis(20))
			.until(this::status, (status) -> status.equals("f\t2\t0\t1\n.\n"));
		TestPeer other = worker("f");
		assertAssigned(grab(other), first, "f", "one");
		assertAssigned(grab(other), second, "f", "two");
	}

	@Test
	void jobCompletedWithinCanDoTimeoutShouldNotBeRequeued() throws InterruptedException {
		TestPeer client = peer();
		TestPeer worker = peer();
		worker.send(PacketType.CAN_DO_TIMEOUT, "f", "150");
		TestPeer watcher = worker("f");
		String handle = submit(client, "f", "u", "data");
		grab(worker);
		complete(worker, handle, "r");
		client.expect(PacketType.WORK_COMPLETE, handle);
		watcher.send(PacketType.PRE_SLEEP);
		Thread.sleep(400);
		watcher.expectNoMessage();
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void canDoTimeoutThatIsNotANumberShouldBeRejected() {
		TestPeer worker = peer();
		worker.send(PacketType.CAN_DO_TIMEOUT, "f", "soon");
		worker.expectError("INVALID_ARGUMENT");
	}

	@Test
	void epochJobShouldNotBeGrabbableBeforeItsTime() {
		TestPeer worker = worker("f");
		long when = nowSeconds() + 2;
		String handle = submit(peer(), PacketType.SUBMIT_JOB_EPOCH, "f", when, "data");
		expectNoJob(worker);
		AtomicLong assignedAt = new AtomicLong();
		await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50)).until(() -> {
			worker.send(PacketType.GRAB_JOB);
			Packet reply = (Packet) worker.next();
			assignedAt.set(System.currentTimeMillis());
			if (reply.type() == PacketType.NO_JOB) {
				return false;
			}
			assertAssigned(reply, handle, "f", "data");
			return true;
		});
		assertThat(assignedAt.get()).as("assigned at or after its epoch time").isGreaterThanOrEqualTo(when * 1000);
	}

	@Test
	void sleepingWorkerShouldBeWokenWhenAnEpochJobBecomesDue() {
		TestPeer worker = worker("f");
		long when = nowSeconds() + 2;
		String handle = submit(peer(), PacketType.SUBMIT_JOB_EPOCH, "f", when, "data");
		worker.send(PacketType.PRE_SLEEP);
		worker.expectNoMessage();
		assertThat(worker.next(Duration.ofSeconds(4))).as("NOOP when the epoch job is due")
			.isEqualTo(Packet.response(PacketType.NOOP));
		assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(when * 1000);
		assertAssigned(grab(worker), handle, "f", "data");
	}

	@Test
	void waitingEpochJobShouldBeKnownAndCountedAsQueued() {
		TestPeer client = peer();
		String handle = submit(client, PacketType.SUBMIT_JOB_EPOCH, "f", nowSeconds() + 3600, "data");
		client.send(PacketType.GET_STATUS, handle);
		client.expect(PacketType.STATUS_RES, handle, "1", "0", "0", "0");
		assertThat(status()).isEqualTo("f\t1\t0\t0\n.\n");
		assertThat(admin("prioritystatus")).isEqualTo("f\t0\t1\t0\t0\n.\n");
		assertThat(showJobs()).isEqualTo(handle + "\t0\t0\t0\n.\n");
	}

	@Test
	void epochJobInThePastShouldBeRunnableAtOnce() {
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		String handle = submit(peer(), PacketType.SUBMIT_JOB_EPOCH, "f", nowSeconds() - 60, "data");
		worker.expect(PacketType.NOOP);
		assertAssigned(grab(worker), handle, "f", "data");
	}

	@Test
	void epochThatIsNotANumberShouldBeRejected() {
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_EPOCH, "data", "f", "", "tomorrow");
		client.expectError("INVALID_ARGUMENT");
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void epochTooLargeForALongShouldBeRejected() {
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_EPOCH, "data", "f", "", "9999999999999999999");
		client.expectError("INVALID_ARGUMENT");
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void epochWhoseMillisecondsOverflowShouldNotRunAtOnce() {
		TestPeer worker = worker("f");
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_EPOCH, "data", "f", "", Long.toString(Long.MAX_VALUE));
		Packet reply = (Packet) client.next();
		if (reply.type() == PacketType.JOB_CREATED) {
			expectNoJob(worker);
		}
		else {
			assertThat(reply.type()).isEqualTo(PacketType.ERROR);
			assertThat(reply.arg(0)).isEqualTo("INVALID_ARGUMENT");
		}
	}

	@Test
	void cancelledEpochJobShouldNotWakeWorkers() throws InterruptedException {
		TestPeer worker = worker("f");
		long when = nowSeconds() + 1;
		String handle = submit(peer(), PacketType.SUBMIT_JOB_EPOCH, "f", when, "data");
		assertThat(admin("cancel job " + handle)).isEqualTo("OK\r\n");
		worker.send(PacketType.PRE_SLEEP);
		Thread.sleep(Math.max(0, when * 1000 - System.currentTimeMillis()) + 200);
		worker.expectNoMessage();
		expectNoJob(worker);
	}

	private static String submit(TestPeer client, PacketType type, String function, long when, String data) {
		client.sendData(type, data, function, "", Long.toString(when));
		return client.expect(PacketType.JOB_CREATED).arg(0);
	}

	private static long nowSeconds() {
		return System.currentTimeMillis() / 1000;
	}

}
