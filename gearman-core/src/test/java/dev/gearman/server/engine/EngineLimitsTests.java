package dev.gearman.server.engine;

import java.time.Duration;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's tables are bounded against peers that would grow them: function-name length, functions per worker,
 * functions in total (and idle ones forgotten), payload bytes queued; and lookups that cost what the answer needs.
 */
class EngineLimitsTests extends EngineTestSupport {

	@Test
	void functionNameLongerThanTheLimitShouldBeRefusedEverywhereBeforeAnythingIsCreated() {
		this.settings.setMaxFunctionNameLength(8);
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_BG, "data", "123456789", "");
		assertThat(client.expectError("ARGUMENT_TOO_LARGE")).isEqualTo("Function name too long (expected: at most 8 bytes)");
		TestPeer worker = peer();
		worker.send(PacketType.CAN_DO, "123456789");
		worker.expectError("ARGUMENT_TOO_LARGE");
		worker.send(PacketType.CAN_DO_TIMEOUT, "123456789", "100");
		worker.expectError("ARGUMENT_TOO_LARGE");
		assertThat(admin("maxqueue 123456789 3")).isEqualTo("ERR ARGUMENT_TOO_LARGE Function+name+too+long\r\n");
		assertThat(admin("create function 123456789")).startsWith("ERR ARGUMENT_TOO_LARGE");
		assertThat(status()).isEqualTo(".\n");
		assertThat(submitBg(client, "12345678", "", "data")).isEqualTo(handle(1));
	}

	@Test
	void workerShouldNotRegisterMoreFunctionsThanTheLimit() {
		this.settings.setMaxAbilitiesPerWorker(2);
		TestPeer worker = worker("a", "b");
		worker.expectNoMessage();
		worker.send(PacketType.CAN_DO, "c");
		assertThat(worker.expectError("TOO_MANY_FUNCTIONS")).contains("at most 2");
		worker.send(PacketType.CAN_DO_TIMEOUT, "a", "1000");
		worker.expectNoMessage();
		worker.send(PacketType.CANT_DO, "b");
		worker.send(PacketType.CAN_DO, "c");
		worker.expectNoMessage();
		assertThat(admin("workers")).contains(" : a c\n");
	}

	@Test
	void serverShouldNotKnowMoreFunctionsThanTheLimit() {
		this.settings.setMaxFunctions(2);
		TestPeer client = peer();
		submitBg(client, "a", "", "1");
		worker("b");
		client.sendData(PacketType.SUBMIT_JOB_BG, "3", "c", "");
		assertThat(client.expectError("QUEUE_ERROR")).isEqualTo("Too many functions");
		TestPeer worker = worker("d");
		assertThat(worker.expectError("TOO_MANY_FUNCTIONS")).isEqualTo("Server knows too many functions");
		assertThat(admin("create function e")).isEqualTo("ERR TOO_MANY_FUNCTIONS Server+knows+too+many+functions\r\n");
		assertThat(submitBg(client, "a", "", "again")).as("known functions still take jobs").isEqualTo(handle(2));
	}

	@Test
	void functionNobodyUsesShouldBeForgottenAfterTheRetentionPeriod() {
		this.settings.setIdleFunctionRetention(Duration.ofMinutes(10));
		this.settings.setMaxQueuedBytes(1000);
		TestPeer worker = worker("gone", "busy");
		submitBg(peer(), "busy", "", "job");
		admin("maxqueue configured 5");
		TestPeer refused = peer();
		refused.sendData(PacketType.SUBMIT_JOB_BG, new byte[2000], "refused", "");
		refused.expectError("QUEUE_ERROR");
		worker.disconnect();
		advance(Duration.ofMinutes(9));
		assertThat(status()).contains("gone\t0\t0\t0\n");
		advance(Duration.ofMinutes(2));
		// the job keeps "busy", the maxqueue setting is configuration and keeps "configured"
		assertThat(status()).isEqualTo("busy\t1\t0\t0\nconfigured\t0\t0\t0\n.\n");
		TestPeer next = worker("busy");
		complete(next, grab(next).arg(0), "done");
		next.disconnect();
		advance(Duration.ofMinutes(11));
		assertThat(status()).isEqualTo("configured\t0\t0\t0\n.\n");
	}

	@Test
	void functionUsedAgainWithinTheRetentionPeriodShouldBeKept() {
		this.settings.setIdleFunctionRetention(Duration.ofMinutes(10));
		worker("f").disconnect();
		advance(Duration.ofMinutes(8));
		TestPeer again = worker("f");
		advance(Duration.ofMinutes(8));
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
		again.disconnect();
		advance(Duration.ofMinutes(9));
		assertThat(status()).as("idle since the second worker left").isEqualTo("f\t0\t0\t0\n.\n");
		advance(Duration.ofMinutes(2));
		assertThat(status()).isEqualTo(".\n");
	}

	@Test
	void queuedPayloadBytesShouldBeBoundedInTotalAndPerFunction() {
		this.settings.setMaxQueuedBytes(10);
		this.settings.setMaxQueuedBytesPerFunction(6);
		TestPeer client = peer();
		submitBg(client, "f", "", "12345");
		client.sendData(PacketType.SUBMIT_JOB_BG, "12", "f", "");
		assertThat(client.expectError("QUEUE_ERROR")).isEqualTo("Job queue is full (queued bytes)");
		submitBg(client, "g", "", "12345");
		client.sendData(PacketType.SUBMIT_JOB_BG, "1", "h", "");
		assertThat(client.expectError("QUEUE_ERROR")).as("total").isEqualTo("Job queue is full (queued bytes)");
		TestPeer worker = worker("f");
		complete(worker, grab(worker).arg(0), "done");
		assertThat(submitBg(client, "h", "", "1")).as("room again once a job ended").isNotEmpty();
	}

	@Test
	void statusByUniqueShouldFindTheJobOfAnyFunctionUntilItEnds() {
		TestPeer client = peer();
		String first = submitBg(client, "f", "shared", "1");
		String second = submitBg(client, "g", "shared", "2");
		assertThat(first).isNotEqualTo(second);
		client.send(PacketType.GET_STATUS_UNIQUE, "shared");
		client.expect(PacketType.STATUS_RES_UNIQUE, "shared", "1", "0", "0", "0", "0");
		assertThat(admin("cancel job " + first)).isEqualTo("OK\r\n");
		client.send(PacketType.GET_STATUS_UNIQUE, "shared");
		client.expect(PacketType.STATUS_RES_UNIQUE, "shared", "1", "0", "0", "0", "0");
		assertThat(admin("cancel job " + second)).isEqualTo("OK\r\n");
		client.send(PacketType.GET_STATUS_UNIQUE, "shared");
		client.expect(PacketType.STATUS_RES_UNIQUE, "shared", "0", "0", "0", "0", "0");
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void workerWithManyFunctionsShouldGetTheOneJobThereIs() {
		TestPeer worker = peer();
		for (int i = 0; i < 500; i++) {
			worker.send(PacketType.CAN_DO, "f" + i);
		}
		TestPeer client = peer();
		String handle = submitBg(client, "f250", "", "data");
		assertAssigned(grab(worker), handle, "f250", "data");
		expectNoJob(worker);
	}

	@Test
	void payloadsCraftedToCollideUnderTheJavaHashShouldNotCollideAsCoalescingKeys() {
		// "Aa" and "BB" share String.hashCode and Arrays.hashCode (31-based): a classic flooding seed
		byte[] a = TestPeer.bytes("AaAaAaAa");
		byte[] b = TestPeer.bytes("BBBBBBBB");
		assertThat(java.util.Arrays.hashCode(a)).isEqualTo(java.util.Arrays.hashCode(b));
		assertThat(new DataKey(a).hashCode()).isNotEqualTo(new DataKey(b).hashCode());
		assertThat(new DataKey(a)).isNotEqualTo(new DataKey(b)).isEqualTo(new DataKey(a.clone()));
		assertThat(new DataKey(a).compareTo(new DataKey(b))).isNegative();
	}

}
