package dev.gearman.server.engine;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers that let a job go (disconnect, CANT_DO, RESET_ABILITIES), retry limits, and foreground clients that
 * leave (protocol notes §3.7).
 */
class DisconnectTests extends EngineTestSupport {

	@Test
	void workerDisconnectShouldRequeueItsJob() {
		TestPeer client = peer();
		TestPeer first = worker("f");
		TestPeer second = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(first);
		first.disconnect();
		assertAssigned(grab(second), handle, "f", "data");
		assertThat(showJobs()).isEqualTo(handle + "\t1\t0\t0\n.\n");
		complete(second, handle, "r");
		client.expectData(PacketType.WORK_COMPLETE, "r", handle);
	}

	@Test
	void requeuedJobShouldWakeSleepingWorkers() {
		TestPeer first = worker("f");
		TestPeer second = worker("f");
		submitBg(peer(), "f", "", "data");
		grab(first);
		second.send(PacketType.PRE_SLEEP);
		second.expectNoMessage();
		first.disconnect();
		second.expect(PacketType.NOOP);
	}

	@Test
	void requeueShouldResetProgress() {
		TestPeer client = peer();
		TestPeer first = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(first);
		first.send(PacketType.WORK_STATUS, handle, "5", "10");
		client.expect(PacketType.WORK_STATUS);
		first.disconnect();
		client.send(PacketType.GET_STATUS, handle);
		client.expect(PacketType.STATUS_RES, handle, "1", "0", "0", "0");
	}

	@Test
	void cantDoShouldRequeueTheRunningJobOfThatFunction() {
		TestPeer first = worker("f", "g");
		TestPeer second = worker("f");
		String handle = submitBg(peer(), "f", "", "data");
		String other = submitBg(peer(), "g", "", "other");
		grab(first);
		grab(first);
		first.send(PacketType.CANT_DO, "f");
		assertAssigned(grab(second), handle, "f", "data");
		assertThat(status()).isEqualTo("f\t1\t1\t1\ng\t1\t1\t1\n.\n");
		complete(first, other, "still mine");
		first.expectNoMessage();
	}

	@Test
	void resetAbilitiesShouldRequeueRunningJobs() {
		TestPeer first = worker("f");
		TestPeer second = worker("f");
		String handle = submitBg(peer(), "f", "", "data");
		grab(first);
		first.send(PacketType.RESET_ABILITIES);
		assertAssigned(grab(second), handle, "f", "data");
		complete(first, handle, "too late");
		first.expectError("JOB_NOT_FOUND");
		expectNoJob(first);
	}

	@Test
	void jobShouldFailWhenItsWorkersDieAsOftenAsTheRetryLimit() {
		this.settings.setRetryLimit(2);
		TestPeer client = peer();
		String handle = submit(client, "f", "u", "data");
		TestPeer first = worker("f");
		grab(first);
		first.disconnect();
		TestPeer second = worker("f");
		assertAssigned(grab(second), handle, "f", "data");
		second.disconnect();
		client.expect(PacketType.WORK_FAIL, handle);
		assertThat(showJobs()).isEqualTo(".\n");
		expectNoJob(worker("f"));
		assertThat(submit(client, "f", "u", "data")).isNotEqualTo(handle);
	}

	@Test
	void unlimitedRetriesShouldRequeueAgainAndAgain() {
		String handle = submitBg(peer(), "f", "", "data");
		for (int attempt = 1; attempt <= 5; attempt++) {
			TestPeer worker = worker("f");
			assertAssigned(grab(worker), handle, "f", "data");
			worker.disconnect();
		}
		assertThat(showJobs()).isEqualTo(handle + "\t5\t0\t0\n.\n");
	}

	@Test
	void clientDisconnectShouldDropItsQueuedJobAtOnce() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		submit(client, "f", "u", "data");
		client.disconnect();
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
		assertThat(showJobs()).isEqualTo(".\n");
		expectNoJob(worker);
	}

	@Test
	void clientDisconnectWhileRunningShouldLetTheWorkerFinishWithoutError() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		client.disconnect();
		assertThat(showJobs()).isEqualTo(handle + "\t0\t1\t0\n.\n");
		worker.sendData(PacketType.WORK_DATA, "chunk", handle);
		complete(worker, handle, "r");
		worker.expectNoMessage();
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
		assertThat(showJobs()).isEqualTo(".\n");
		assertThat(client.poll()).isNull();
	}

	@Test
	void abandonedRunningJobShouldBeDroppedWhenItsWorkerDies() {
		TestPeer client = peer();
		TestPeer first = worker("f");
		TestPeer second = worker("f");
		submit(client, "f", "", "data");
		grab(first);
		client.disconnect();
		first.disconnect();
		expectNoJob(second);
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void clientJoiningAnAbandonedRunningJobShouldGetTheResultOfTheRequeuedRun() {
		TestPeer leaving = peer();
		TestPeer joining = peer();
		TestPeer first = worker("f");
		TestPeer second = worker("f");
		String handle = submit(leaving, "f", "u", "data");
		grab(first);
		leaving.disconnect();
		assertThat(submit(joining, "f", "u", "data")).isEqualTo(handle);
		assertThat(showJobs()).isEqualTo(handle + "\t0\t0\t0\n.\n");
		first.disconnect();
		assertAssigned(grab(second), handle, "f", "data");
		complete(second, handle, "r");
		joining.expectData(PacketType.WORK_COMPLETE, "r", handle);
	}

	@Test
	void otherClientAttachedToTheJobShouldStillGetTheResult() {
		TestPeer leaving = peer();
		TestPeer staying = peer();
		TestPeer worker = worker("f");
		String handle = submit(leaving, "f", "u", "data");
		submit(staying, "f", "u", "data");
		leaving.disconnect();
		assertAssigned(grab(worker), handle, "f", "data");
		complete(worker, handle, "r");
		staying.expectData(PacketType.WORK_COMPLETE, "r", handle);
	}

	@Test
	void otherClientAttachedToARunningJobShouldStillGetTheResult() {
		TestPeer leaving = peer();
		TestPeer staying = peer();
		TestPeer worker = worker("f");
		String handle = submit(leaving, "f", "u", "data");
		submit(staying, "f", "u", "data");
		grab(worker);
		leaving.disconnect();
		assertThat(showJobs()).isEqualTo(handle + "\t0\t0\t0\n.\n");
		complete(worker, handle, "r");
		staying.expectData(PacketType.WORK_COMPLETE, "r", handle);
	}

	@Test
	void backgroundJobShouldSurviveAForegroundClientThatCoalescedOntoItLeaving() {
		TestPeer background = peer();
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submitBg(background, "f", "u", "data");
		assertThat(submit(client, "f", "u", "data")).isEqualTo(handle);
		client.disconnect();
		assertThat(status()).isEqualTo("f\t1\t0\t1\n.\n");
		assertAssigned(grab(worker), handle, "f", "data");
	}

	@Test
	void disconnectedWorkerShouldNoLongerBeListed() {
		TestPeer worker = worker("f");
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
		worker.disconnect();
		assertThat(status()).isEqualTo("f\t0\t0\t0\n.\n");
	}

}
