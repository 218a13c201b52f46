package dev.gearman.server.engine;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WORK_* packets from workers: forwarding, progress, exceptions and ownership (protocol notes §3.7, §3.13).
 */
class WorkResultTests extends EngineTestSupport {

	@Test
	void workStatusDataAndWarningShouldBeForwardedToEveryAttachedClient() {
		TestPeer first = peer();
		TestPeer second = peer();
		TestPeer worker = worker("f");
		String handle = submit(first, "f", "u", "data");
		submit(second, "f", "u", "data");
		grab(worker);
		worker.send(PacketType.WORK_STATUS, handle, "1", "4");
		worker.sendData(PacketType.WORK_DATA, "chunk", handle);
		worker.sendData(PacketType.WORK_WARNING, "careful", handle);
		for (TestPeer client : new TestPeer[] { first, second }) {
			client.expect(PacketType.WORK_STATUS, handle, "1", "4");
			client.expectData(PacketType.WORK_DATA, "chunk", handle);
			client.expectData(PacketType.WORK_WARNING, "careful", handle);
		}
		worker.expectNoMessage();
	}

	@Test
	void workCompleteShouldReachEveryAttachedClient() {
		TestPeer first = peer();
		TestPeer second = peer();
		TestPeer worker = worker("f");
		String handle = submit(first, "f", "u", "data");
		submit(second, "f", "u", "data");
		grab(worker);
		complete(worker, handle, "result");
		first.expectData(PacketType.WORK_COMPLETE, "result", handle);
		second.expectData(PacketType.WORK_COMPLETE, "result", handle);
		worker.expectNoMessage();
	}

	@Test
	void workFailShouldReachEveryAttachedClient() {
		TestPeer first = peer();
		TestPeer second = peer();
		TestPeer worker = worker("f");
		String handle = submit(first, "f", "u", "data");
		submit(second, "f", "u", "data");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		first.expect(PacketType.WORK_FAIL, handle);
		second.expect(PacketType.WORK_FAIL, handle);
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void getStatusShouldShowRunningAndProgressAfterWorkStatus() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "data");
		client.send(PacketType.GET_STATUS, handle);
		client.expect(PacketType.STATUS_RES, handle, "1", "0", "0", "0");
		grab(worker);
		client.send(PacketType.GET_STATUS, handle);
		client.expect(PacketType.STATUS_RES, handle, "1", "1", "0", "0");
		worker.send(PacketType.WORK_STATUS, handle, "3", "10");
		client.expect(PacketType.WORK_STATUS, handle, "3", "10");
		client.send(PacketType.GET_STATUS, handle);
		client.expect(PacketType.STATUS_RES, handle, "1", "1", "3", "10");
	}

	@Test
	void workFailShouldBeForwardedAndEndTheJob() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "u", "data");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		client.expect(PacketType.WORK_FAIL, handle);
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
		assertThat(submit(client, "f", "u", "again")).isNotEqualTo(handle);
	}

	@Test
	void optionExceptionsShouldBeAcknowledged() {
		TestPeer client = peer();
		client.send(PacketType.OPTION_REQ, "exceptions");
		client.expect(PacketType.OPTION_RES, "exceptions");
	}

	@Test
	void unknownOptionShouldBeRejected() {
		TestPeer client = peer();
		client.send(PacketType.OPTION_REQ, "telepathy");
		assertThat(client.expectError("UNKNOWN_OPTION")).isEqualTo("Server does not recognize given option");
	}

	@Test
	void workExceptionShouldBeForwardedToClientsThatAskedForExceptions() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		client.send(PacketType.OPTION_REQ, "exceptions");
		client.expect(PacketType.OPTION_RES, "exceptions");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, "boom", handle);
		client.expectData(PacketType.WORK_EXCEPTION, "boom", handle);
	}

	@Test
	void workExceptionShouldBecomeWorkFailWithExactlyTheHandleForOtherClients() {
		TestPeer withOption = peer();
		TestPeer without = peer();
		TestPeer worker = worker("f");
		withOption.send(PacketType.OPTION_REQ, "exceptions");
		withOption.expect(PacketType.OPTION_RES);
		String handle = submit(withOption, "f", "u", "data");
		submit(without, "f", "u", "data");
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, "boom", handle);
		withOption.expectData(PacketType.WORK_EXCEPTION, "boom", handle);
		Packet fail = without.expect(PacketType.WORK_FAIL);
		assertThat(fail.argCount()).isEqualTo(1);
		assertThat(fail.argBytes(0)).isEqualTo(TestPeer.bytes(handle));
	}

	@Test
	void workResultAfterWorkExceptionShouldBeJobNotFound() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, "boom", handle);
		client.expect(PacketType.WORK_FAIL, handle);
		complete(worker, handle, "late");
		assertThat(worker.expectError("JOB_NOT_FOUND")).isEqualTo("Job given in work result not found");
		client.expectNoMessage();
		client.send(PacketType.GET_STATUS, handle);
		client.expect(PacketType.STATUS_RES, handle, "0", "0", "0", "0");
	}

	@Test
	void exceptionsSettingShouldEnableTheOptionForEveryConnection() {
		this.settings.setExceptions(true);
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, "boom", handle);
		client.expectData(PacketType.WORK_EXCEPTION, "boom", handle);
	}

	@Test
	void workResultsFromAConnectionThatDoesNotHoldTheJobShouldBeJobNotFound() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		TestPeer intruder = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		intruder.sendData(PacketType.WORK_DATA, "x", handle);
		assertThat(intruder.expectError("JOB_NOT_FOUND")).isEqualTo("Job does not exist on server");
		intruder.sendData(PacketType.WORK_WARNING, "x", handle);
		assertThat(intruder.expectError("JOB_NOT_FOUND")).isEqualTo("Job does not exist on server");
		intruder.send(PacketType.WORK_STATUS, handle, "1", "2");
		assertThat(intruder.expectError("JOB_NOT_FOUND")).isEqualTo("Job given in work result not found");
		intruder.send(PacketType.WORK_FAIL, handle);
		assertThat(intruder.expectError("JOB_NOT_FOUND")).isEqualTo("Job given in work result not found");
		intruder.sendData(PacketType.WORK_EXCEPTION, "x", handle);
		assertThat(intruder.expectError("JOB_NOT_FOUND"))
			.isEqualTo("An exception was received for a job that does not exist");
		complete(intruder, handle, "x");
		assertThat(intruder.expectError("JOB_NOT_FOUND")).isEqualTo("Job given in work result not found");
		client.expectNoMessage();
		complete(worker, handle, "real");
		client.expectData(PacketType.WORK_COMPLETE, "real", handle);
	}

	@Test
	void workResultForAnUnknownHandleShouldBeJobNotFound() {
		TestPeer worker = worker("f");
		complete(worker, "H:test:99", "x");
		worker.expectError("JOB_NOT_FOUND");
	}

	@Test
	void workCompleteShouldAcceptTheHandleWithATrailingNul() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		complete(worker, handle + "\0", "r");
		client.expectData(PacketType.WORK_COMPLETE, "r", handle);
	}

	@Test
	void workCompleteShouldForwardBinaryDataUnchanged() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		byte[] binary = { 0, 1, (byte) 0xFF, 0, (byte) 0x80 };
		worker.sendData(PacketType.WORK_COMPLETE, binary, handle);
		assertThat(client.expect(PacketType.WORK_COMPLETE, handle).data()).isEqualTo(binary);
	}

}
