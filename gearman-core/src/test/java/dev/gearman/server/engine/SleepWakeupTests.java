package dev.gearman.server.engine;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PRE_SLEEP and the NOOP wake-ups (protocol notes §3.5): a sleeping worker gets at most one NOOP per sleep.
 */
class SleepWakeupTests extends EngineTestSupport {

	@Test
	void preSleepWithEmptyQueueShouldSendNothing() {
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		worker.expectNoMessage();
	}

	@Test
	void submitShouldWakeASleepingWorkerWithOneNoop() {
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		submitBg(peer(), "f", "", "data");
		worker.expect(PacketType.NOOP);
		worker.expectNoMessage();
	}

	@Test
	void secondSubmitShouldNotSendAnotherNoopUntilTheNextPreSleep() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		submitBg(client, "f", "", "one");
		worker.expect(PacketType.NOOP);
		submitBg(client, "f", "", "two");
		worker.expectNoMessage();
		worker.send(PacketType.PRE_SLEEP);
		worker.expect(PacketType.NOOP);
	}

	@Test
	void preSleepWhileAJobIsAvailableShouldNoopImmediately() {
		TestPeer worker = worker("f");
		submitBg(peer(), "f", "", "data");
		worker.send(PacketType.PRE_SLEEP);
		worker.expect(PacketType.NOOP);
		grab(worker);
	}

	@Test
	void noopedWorkerShouldNotBeWokenAgainAfterAnotherSubmit() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		submitBg(client, "f", "", "one");
		worker.expect(PacketType.NOOP);
		grab(worker);
		submitBg(client, "f", "", "two");
		worker.expectNoMessage();
	}

	@Test
	void grabShouldEndTheSleep() {
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		expectNoJob(worker);
		submitBg(peer(), "f", "", "data");
		worker.expectNoMessage();
	}

	@Test
	void submitShouldWakeOnlyWorkersOfTheFunction() {
		TestPeer client = peer();
		TestPeer f = worker("f");
		TestPeer g = worker("g");
		f.send(PacketType.PRE_SLEEP);
		g.send(PacketType.PRE_SLEEP);
		submitBg(client, "f", "", "data");
		f.expect(PacketType.NOOP);
		g.expectNoMessage();
	}

	@Test
	void workerWithSeveralFunctionsShouldGetOneNoopPerSleep() {
		TestPeer client = peer();
		TestPeer worker = worker("f", "g");
		worker.send(PacketType.PRE_SLEEP);
		submitBg(client, "f", "", "one");
		submitBg(client, "g", "", "two");
		worker.expect(PacketType.NOOP);
		worker.expectNoMessage();
	}

	@Test
	void canDoWhileSleepingShouldAddTheNewFunctionToTheWakeups() {
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		worker.send(PacketType.CAN_DO, "g");
		submitBg(peer(), "g", "", "data");
		worker.expect(PacketType.NOOP);
	}

	@Test
	void allSleepingWorkersShouldBeWokenByDefault() {
		TestPeer first = worker("f");
		TestPeer second = worker("f");
		first.send(PacketType.PRE_SLEEP);
		second.send(PacketType.PRE_SLEEP);
		submitBg(peer(), "f", "", "data");
		first.expect(PacketType.NOOP);
		second.expect(PacketType.NOOP);
	}

	@Test
	void workerWakeupOfOneShouldSendOneNoopPerQueuedJob() {
		this.settings.setWorkerWakeup(1);
		TestPeer client = peer();
		TestPeer first = worker("f");
		TestPeer second = worker("f");
		first.send(PacketType.PRE_SLEEP);
		second.send(PacketType.PRE_SLEEP);
		submitBg(client, "f", "", "one");
		boolean firstWoken = receivedNoop(first);
		boolean secondWoken = receivedNoop(second);
		assertThat(firstWoken ^ secondWoken).as("exactly one worker woken (first: %s, second: %s)", firstWoken,
				secondWoken).isTrue();
		submitBg(client, "f", "", "two");
		TestPeer stillSleeping = firstWoken ? second : first;
		TestPeer awake = firstWoken ? first : second;
		stillSleeping.expect(PacketType.NOOP);
		stillSleeping.expectNoMessage();
		awake.expectNoMessage();
	}

	/** Whether a NOOP was the only thing sent to the peer so far; fails on anything else. */
	private static boolean receivedNoop(TestPeer peer) {
		peer.sendData(PacketType.ECHO_REQ, "probe");
		Packet first = (Packet) peer.next();
		if (first.type() == PacketType.ECHO_RES) {
			return false;
		}
		assertThat(first.type()).isEqualTo(PacketType.NOOP);
		peer.expectData(PacketType.ECHO_RES, "probe");
		return true;
	}

}
