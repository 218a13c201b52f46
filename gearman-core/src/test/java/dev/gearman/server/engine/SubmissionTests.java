package dev.gearman.server.engine;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The life of a foreground job, handles, and unique-id coalescing (protocol notes §3.2, §3.3).
 */
class SubmissionTests extends EngineTestSupport {

	@Test
	void foregroundJobShouldBeAssignedCompletedAndForgotten() {
		TestPeer client = peer();
		TestPeer worker = worker("reverse");
		client.sendData(PacketType.SUBMIT_JOB, "hello", "reverse", "");
		client.expect(PacketType.JOB_CREATED, "H:test:1");
		worker.send(PacketType.GRAB_JOB);
		worker.expectData(PacketType.JOB_ASSIGN, "hello", "H:test:1", "reverse");
		complete(worker, "H:test:1", "olleh");
		client.expectData(PacketType.WORK_COMPLETE, "olleh", "H:test:1");
		worker.expectNoMessage();
		client.send(PacketType.GET_STATUS, "H:test:1");
		client.expect(PacketType.STATUS_RES, "H:test:1", "0", "0", "0", "0");
	}

	@Test
	void handlesShouldCountUpOnlyForNewJobs() {
		TestPeer client = peer();
		assertThat(submitBg(client, "f", "a", "x")).isEqualTo(handle(1));
		assertThat(submitBg(client, "f", "a", "x")).isEqualTo(handle(1));
		assertThat(submitBg(client, "f", "b", "x")).isEqualTo(handle(2));
		assertThat(submit(client, "g", "", "x")).isEqualTo(handle(3));
	}

	@Test
	void submitWhenUniqueMatchesShouldCoalesce() {
		TestPeer first = peer();
		TestPeer second = peer();
		TestPeer worker = worker("f");
		String handle = submit(first, "f", "u1", "payload");
		assertThat(submit(second, "f", "u1", "other payload")).isEqualTo(handle);
		assertAssigned(grab(worker), handle, "f", "payload");
		expectNoJob(worker);
		complete(worker, handle, "done");
		first.expectData(PacketType.WORK_COMPLETE, "done", handle);
		second.expectData(PacketType.WORK_COMPLETE, "done", handle);
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
	}

	@Test
	void submitWhenUniqueMatchesInOtherFunctionShouldNotCoalesce() {
		TestPeer client = peer();
		String a = submitBg(client, "fa", "same", "x");
		String b = submitBg(client, "fb", "same", "x");
		assertThat(b).isNotEqualTo(a);
	}

	@Test
	void submitWithDashUniqueShouldCoalesceOnIdenticalPayload() {
		TestPeer first = peer();
		TestPeer second = peer();
		TestPeer worker = worker("f");
		String handle = submit(first, "f", "-", "same bytes");
		assertThat(submit(second, "f", "-", "same bytes")).isEqualTo(handle);
		assertThat(submit(second, "f", "-", "other bytes")).isNotEqualTo(handle);
		assertAssigned(grab(worker), handle, "f", "same bytes");
		complete(worker, handle, "r");
		first.expectData(PacketType.WORK_COMPLETE, "r", handle);
		second.expectData(PacketType.WORK_COMPLETE, "r", handle);
	}

	@Test
	void submitWithDashUniqueAndEmptyPayloadShouldNotCoalesce() {
		TestPeer client = peer();
		String first = submitBg(client, "f", "-", "");
		assertThat(submitBg(client, "f", "-", "")).isNotEqualTo(first);
	}

	@Test
	void submitWithEmptyUniqueShouldNeverCoalesce() {
		TestPeer client = peer();
		String first = submitBg(client, "f", "", "same");
		assertThat(submitBg(client, "f", "", "same")).isNotEqualTo(first);
		assertThat(status()).isEqualTo("f\t2\t0\t0\n.\n");
	}

	@Test
	void backgroundDuplicateShouldGetTheHandleOnly() {
		TestPeer client = peer();
		TestPeer background = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "u", "data");
		assertThat(submitBg(background, "f", "u", "data")).isEqualTo(handle);
		assertThat(status()).isEqualTo("f\t1\t0\t1\n.\n");
		String assigned = grab(worker).arg(0);
		worker.sendData(PacketType.WORK_DATA, "partial", assigned);
		complete(worker, assigned, "done");
		client.expectData(PacketType.WORK_DATA, "partial", handle);
		client.expectData(PacketType.WORK_COMPLETE, "done", handle);
		background.expectNoMessage();
	}

	@Test
	void foregroundDuplicateOfBackgroundJobShouldGetItsResults() {
		TestPeer background = peer();
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submitBg(background, "f", "u", "data");
		assertThat(submit(client, "f", "u", "ignored")).isEqualTo(handle);
		grab(worker);
		complete(worker, handle, "done");
		client.expectData(PacketType.WORK_COMPLETE, "done", handle);
		background.expectNoMessage();
	}

	@Test
	void uniqueShouldBeFreeAgainAfterCompletion() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String first = submit(client, "f", "u", "one");
		grab(worker);
		complete(worker, first, "r");
		client.expect(PacketType.WORK_COMPLETE);
		String second = submit(client, "f", "u", "two");
		assertThat(second).isNotEqualTo(first);
		assertAssigned(grab(worker), second, "f", "two");
	}

	@Test
	void uniqueShouldStayReservedWhileJobRuns() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "u", "one");
		grab(worker);
		assertThat(submitBg(peer(), "f", "u", "two")).isEqualTo(handle);
		expectNoJob(worker);
	}

	@Test
	void lateJoinerShouldGetOnlySubsequentWorkData() {
		TestPeer early = peer();
		TestPeer late = peer();
		TestPeer worker = worker("f");
		String handle = submit(early, "f", "u", "data");
		grab(worker);
		worker.sendData(PacketType.WORK_DATA, "first", handle);
		early.expectData(PacketType.WORK_DATA, "first", handle);
		assertThat(submit(late, "f", "u", "data")).isEqualTo(handle);
		worker.sendData(PacketType.WORK_DATA, "second", handle);
		complete(worker, handle, "done");
		early.expectData(PacketType.WORK_DATA, "second", handle);
		early.expectData(PacketType.WORK_COMPLETE, "done", handle);
		late.expectData(PacketType.WORK_DATA, "second", handle);
		late.expectData(PacketType.WORK_COMPLETE, "done", handle);
	}

	@Test
	void jobCreatedShouldPrecedeWorkPacketsOfTheJob() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		client.sendData(PacketType.SUBMIT_JOB, "data", "f", "");
		worker.expect(PacketType.NOOP);
		Packet assign = grab(worker);
		complete(worker, assign.arg(0), "r");
		client.expect(PacketType.JOB_CREATED, assign.arg(0));
		client.expect(PacketType.WORK_COMPLETE, assign.arg(0));
	}

	@Test
	void backgroundJobShouldBeRunAndForgotten() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submitBg(client, "f", "u", "data");
		assertAssigned(grab(worker), handle, "f", "data");
		complete(worker, handle, "r");
		worker.expectNoMessage();
		client.expectNoMessage();
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void foregroundSubmissionWithoutAWorkerShouldFailAtOnceWhenTheClientAskedForIt() {
		TestPeer client = peer();
		client.send(PacketType.OPTION_REQ, "fail-if-no-worker");
		client.expect(PacketType.OPTION_RES, "fail-if-no-worker");
		client.sendData(PacketType.SUBMIT_JOB, "data", "nobody", "");
		assertThat(client.expectError("NO_WORKER")).isEqualTo("No worker has registered function 'nobody'");
		assertThat(showJobs()).as("no job left behind to run later for nobody").isEqualTo(".\n");
		assertThat(submitBg(client, "nobody", "", "data")).as("background jobs wait for workers").isEqualTo(handle(1));
		TestPeer worker = worker("f");
		worker.expectNoMessage();
		assertThat(submit(client, "f", "", "data")).isEqualTo(handle(2));
		TestPeer plain = peer();
		assertThat(submit(plain, "nobody", "", "data")).as("without the option: queued as ever").isEqualTo(handle(3));
	}

}
