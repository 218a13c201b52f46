package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GRAB_JOB, GRAB_JOB_UNIQ and GRAB_JOB_ALL: which job a worker gets and in which packet (protocol notes §3.4).
 */
class DispatchTests extends EngineTestSupport {

	@Test
	void grabWithNothingQueuedShouldReplyNoJob() {
		TestPeer worker = worker("f");
		expectNoJob(worker);
		worker.send(PacketType.GRAB_JOB_UNIQ);
		worker.expect(PacketType.NO_JOB);
		worker.send(PacketType.GRAB_JOB_ALL);
		worker.expect(PacketType.NO_JOB);
	}

	@Test
	void grabShouldOnlyReturnJobsOfRegisteredFunctions() {
		TestPeer worker = worker("other");
		submitBg(peer(), "f", "", "data");
		expectNoJob(worker);
		expectNoJob(peer());
	}

	@Test
	void grabJobUniqShouldAssignWithTheUnique() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "my-unique", "data");
		worker.send(PacketType.GRAB_JOB_UNIQ);
		worker.expectData(PacketType.JOB_ASSIGN_UNIQ, "data", handle, "f", "my-unique");
	}

	@Test
	void grabJobAllShouldAssignUniqForAJobWithoutReducer() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		worker.send(PacketType.GRAB_JOB_ALL);
		worker.expectData(PacketType.JOB_ASSIGN_UNIQ, "data", handle, "f", "u");
	}

	@Test
	void grabJobAllShouldAssignAllForAReduceJob() {
		TestPeer client = peer();
		TestPeer worker = worker("map");
		client.sendData(PacketType.SUBMIT_REDUCE_JOB, "a b c", "map", "u", "reduce", "");
		String handle = client.expect(PacketType.JOB_CREATED).arg(0);
		worker.send(PacketType.GRAB_JOB_ALL);
		worker.expectData(PacketType.JOB_ASSIGN_ALL, "a b c", handle, "map", "u", "reduce");
		complete(worker, handle, "3");
		client.expectData(PacketType.WORK_COMPLETE, "3", handle);
	}

	@Test
	void grabJobShouldAssignAReduceJobWithoutItsReducer() {
		TestPeer client = peer();
		TestPeer worker = worker("map");
		client.sendData(PacketType.SUBMIT_REDUCE_JOB_BACKGROUND, "a b c", "map", "u", "reduce", "");
		String handle = client.expect(PacketType.JOB_CREATED).arg(0);
		assertAssigned(grab(worker), handle, "map", "a b c");
	}

	@Test
	void grabShouldTakeHigherPrioritiesFirst() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String low = submit(client, PacketType.SUBMIT_JOB_LOW_BG, "f", "", "low");
		String normal = submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "normal");
		String high = submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "high");
		assertThat(grabHandles(worker, 3)).containsExactly(high, normal, low);
		expectNoJob(worker);
	}

	@Test
	void foregroundPrioritiesShouldBeOrderedLikeBackgroundOnes() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String low = submit(client, PacketType.SUBMIT_JOB_LOW, "f", "", "low");
		String normal = submit(client, PacketType.SUBMIT_JOB, "f", "", "normal");
		String high = submit(client, PacketType.SUBMIT_JOB_HIGH, "f", "", "high");
		assertThat(grabHandles(worker, 3)).containsExactly(high, normal, low);
	}

	@Test
	void grabShouldBeFifoWithinOnePriority() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		List<String> submitted = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			submitted.add(submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "job " + i));
		}
		assertThat(grabHandles(worker, 5)).containsExactlyElementsOf(submitted);
	}

	@Test
	void priorityShouldBeGlobalAcrossTheWorkersFunctions() {
		TestPeer client = peer();
		TestPeer worker = worker("fA", "fB");
		String normalA = submit(client, PacketType.SUBMIT_JOB_BG, "fA", "", "a");
		String lowA = submit(client, PacketType.SUBMIT_JOB_LOW_BG, "fA", "", "a-low");
		String highB = submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "fB", "", "b");
		assertThat(grabHandles(worker, 3)).containsExactly(highB, normalA, lowA);
	}

	@Test
	void grabShouldRoundRobinBetweenFunctionsAtEqualPriority() {
		TestPeer client = peer();
		TestPeer worker = worker("fA", "fB", "fC");
		String a1 = submitBg(client, "fA", "", "a1");
		String a2 = submitBg(client, "fA", "", "a2");
		String a3 = submitBg(client, "fA", "", "a3");
		String b1 = submitBg(client, "fB", "", "b1");
		String b2 = submitBg(client, "fB", "", "b2");
		String c1 = submitBg(client, "fC", "", "c1");
		assertThat(grabHandles(worker, 6)).containsExactly(a1, b1, c1, a2, b2, a3);
	}

	@Test
	void workerShouldHoldSeveralJobsAtOnce() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String first = submit(client, "f", "", "1");
		String second = submit(client, "f", "", "2");
		assertThat(grabHandles(worker, 2)).containsExactly(first, second);
		assertThat(status()).isEqualTo("f\t2\t2\t1\n.\n");
		complete(worker, second, "two");
		complete(worker, first, "one");
		client.expectData(PacketType.WORK_COMPLETE, "two", second);
		client.expectData(PacketType.WORK_COMPLETE, "one", first);
	}

	@Test
	void assignedJobShouldNotBeGivenToAnotherWorker() {
		TestPeer first = worker("f");
		TestPeer second = worker("f");
		String handle = submitBg(peer(), "f", "", "data");
		assertAssigned(grab(first), handle, "f", "data");
		expectNoJob(second);
		second.send(PacketType.PRE_SLEEP);
		second.expectNoMessage();
	}

	private static List<String> grabHandles(TestPeer worker, int count) {
		List<String> handles = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			handles.add(grab(worker).arg(0));
		}
		return handles;
	}

}
