package dev.gearman.server.engine;

import java.time.Duration;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CAN_DO_TIMEOUT (protocol notes §3.6) and SUBMIT_JOB_EPOCH (§3.8): the engine's timers, on a clock the tests move.
 */
class TimeoutAndEpochTests extends EngineTestSupport {

	@Test
	void jobNotCompletedWithinCanDoTimeoutShouldBeRequeued() {
		TestPeer client = peer();
		TestPeer slow = peer();
		slow.send(PacketType.CAN_DO_TIMEOUT, "f", "200");
		TestPeer other = worker("f");
		String handle = submit(client, "f", "", "data");
		assertAssigned(grab(slow), handle, "f", "data");
		other.send(PacketType.PRE_SLEEP);
		advance(Duration.ofMillis(199));
		other.expectNoMessage();
		advance(Duration.ofMillis(1));
		other.expect(PacketType.NOOP);
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
		advance(Duration.ofMillis(200));
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
		advance(Duration.ofMillis(100));
		grab(slow);
		advance(Duration.ofMillis(100));
		assertThat(status()).as("the first job timed out, the second not yet").isEqualTo("f\t2\t1\t1\n.\n");
		advance(Duration.ofMillis(100));
		assertThat(status()).isEqualTo("f\t2\t0\t1\n.\n");
		TestPeer other = worker("f");
		assertAssigned(grab(other), first, "f", "one");
		assertAssigned(grab(other), second, "f", "two");
	}

	@Test
	void jobCompletedWithinCanDoTimeoutShouldNotBeRequeued() {
		TestPeer client = peer();
		TestPeer worker = peer();
		worker.send(PacketType.CAN_DO_TIMEOUT, "f", "150");
		TestPeer watcher = worker("f");
		String handle = submit(client, "f", "u", "data");
		grab(worker);
		complete(worker, handle, "r");
		client.expect(PacketType.WORK_COMPLETE, handle);
		watcher.send(PacketType.PRE_SLEEP);
		advance(Duration.ofMillis(400));
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
		advanceTo(when * 1000 - 1);
		expectNoJob(worker);
		advanceTo(when * 1000);
		assertAssigned(grab(worker), handle, "f", "data");
	}

	@Test
	void sleepingWorkerShouldBeWokenWhenAnEpochJobBecomesDue() {
		TestPeer worker = worker("f");
		long when = nowSeconds() + 2;
		String handle = submit(peer(), PacketType.SUBMIT_JOB_EPOCH, "f", when, "data");
		worker.send(PacketType.PRE_SLEEP);
		worker.expectNoMessage();
		advanceTo(when * 1000 - 1);
		worker.expectNoMessage();
		advanceTo(when * 1000);
		assertThat(worker.next()).as("NOOP when the epoch job is due").isEqualTo(Packet.response(PacketType.NOOP));
		assertAssigned(grab(worker), handle, "f", "data");
	}

	@Test
	void earlierEpochJobSubmittedLaterShouldRunFirst() {
		TestPeer worker = worker("f");
		TestPeer client = peer();
		long now = nowSeconds();
		String later = submit(client, PacketType.SUBMIT_JOB_EPOCH, "f", now + 20, "later");
		String sooner = submit(client, PacketType.SUBMIT_JOB_EPOCH, "f", now + 10, "sooner");
		advanceTo((now + 10) * 1000);
		assertAssigned(grab(worker), sooner, "f", "sooner");
		expectNoJob(worker);
		advanceTo((now + 20) * 1000);
		assertAssigned(grab(worker), later, "f", "later");
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
	void cancelledEpochJobShouldNotWakeWorkers() {
		TestPeer worker = worker("f");
		long when = nowSeconds() + 1;
		String handle = submit(peer(), PacketType.SUBMIT_JOB_EPOCH, "f", when, "data");
		assertThat(admin("cancel job " + handle)).isEqualTo("OK\r\n");
		worker.send(PacketType.PRE_SLEEP);
		advanceTo(when * 1000 + 200);
		worker.expectNoMessage();
		expectNoJob(worker);
	}

	private static String submit(TestPeer client, PacketType type, String function, long when, String data) {
		client.sendData(type, data, function, "", Long.toString(when));
		return client.expect(PacketType.JOB_CREATED).arg(0);
	}

	private long nowSeconds() {
		return this.clock.currentTimeMillis() / 1000;
	}

	/** Moves the engine's clock on to a wall-clock time. */
	private void advanceTo(long epochMillis) {
		advance(Duration.ofMillis(Math.max(0, epochMillis - this.clock.currentTimeMillis())));
	}

}
