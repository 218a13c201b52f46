package dev.gearman.server.engine;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin commands that act or answer a single value, byte for byte (protocol notes §4).
 */
class AdminCommandTests extends EngineTestSupport {

	@Test
	void cancelJobShouldFailWaitingClientsAndRemoveTheJobAtOnce() {
		TestPeer first = peer();
		TestPeer second = peer();
		TestPeer worker = worker("f");
		String handle = submit(first, "f", "u", "data");
		submit(second, "f", "u", "data");
		assertThat(admin("cancel job " + handle)).isEqualTo("OK\r\n");
		first.expect(PacketType.WORK_FAIL, handle);
		second.expect(PacketType.WORK_FAIL, handle);
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
		assertThat(showJobs()).isEqualTo(".\n");
		expectNoJob(worker);
		first.send(PacketType.GET_STATUS, handle);
		first.expect(PacketType.STATUS_RES, handle, "0", "0", "0", "0");
	}

	@Test
	void cancelledRunningJobShouldDropTheWorkersResults() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		assertThat(admin("cancel job " + handle)).isEqualTo("OK\r\n");
		client.expect(PacketType.WORK_FAIL, handle);
		worker.sendData(PacketType.WORK_DATA, "chunk", handle);
		complete(worker, handle, "r");
		worker.expectNoMessage();
		client.expectNoMessage();
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void cancelOfAnUnknownJobShouldBeAnError() {
		assertThat(admin("cancel job H:test:42")).isEqualTo("ERR UNKNOWN_JOB\r\n");
	}

	@Test
	void cancelOfSomethingElseThanAJobShouldBeAnError() {
		assertThat(admin("cancel thing H:test:1")).isEqualTo("ERR UNKNOWN_ERROR\r\n");
	}

	@Test
	void createFunctionShouldAddAnEmptyFunction() {
		assertThat(admin("create function resize")).isEqualTo("OK\r\n");
		assertThat(status()).isEqualTo("resize\t0\t0\t0\n.\n");
	}

	@Test
	void createWithWrongArityShouldBeInvalidArguments() {
		assertThat(admin("create function")).isEqualTo(
				"ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+create\r\n");
	}

	@Test
	void dropFunctionShouldRemoveAnIdleFunction() {
		admin("create function f");
		assertThat(admin("drop function f")).isEqualTo("OK\r\n");
		assertThat(status()).isEqualTo(".\n");
	}

	@Test
	void dropFunctionShouldRemoveAFunctionWhoseWorkersLeft() {
		TestPeer worker = worker("f");
		worker.disconnect();
		assertThat(admin("drop function f")).isEqualTo("OK\r\n");
		assertThat(status()).isEqualTo(".\n");
	}

	@Test
	void dropFunctionShouldBeRefusedWhileAWorkerIsRegistered() {
		worker("f");
		assertThat(admin("drop function f"))
			.isEqualTo("ERR there are still connected workers or executing clients\r\n");
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
	}

	@Test
	void dropFunctionShouldBeRefusedWhileJobsAreQueued() {
		submitBg(peer(), "f", "", "data");
		assertThat(admin("drop function f")).isEqualTo("ERR there are still queued jobs\r\n");
		assertThat(status()).isEqualTo("f\t1\t0\t0\n.\n");
	}

	@Test
	void dropFunctionOfAnUnknownFunctionShouldBeAnError() {
		assertThat(admin("drop function nope")).isEqualTo("ERR function not found\r\n");
	}

	@Test
	void getpidShouldAnswerTheProcessId() {
		assertThat(admin("getpid")).isEqualTo("OK " + ProcessHandle.current().pid() + "\n");
	}

	@Test
	void versionShouldAnswerTheConfiguredVersion() {
		this.settings.setVersion("9.8.7-test");
		assertThat(admin("version")).isEqualTo("OK 9.8.7-test\n");
	}

	@Test
	void verboseShouldAnswerALogLevel() {
		assertThat(admin("verbose")).matches("OK (FATAL|ALERT|CRITICAL|ERROR|WARNING|NOTICE|INFO|DEBUG)\n");
	}

	@Test
	void unknownCommandShouldBeAnErrorNamingIt() {
		assertThat(admin("frobnicate")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+commandfrobnicate\r\n");
		assertThat(admin("shutdown graceful")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+commandshutdown\r\n");
	}

	@Test
	void emptyLineShouldBeAnUnknownCommand() {
		assertThat(admin("")).isEqualTo("ERR UNKNOWN_COMMAND Unknown+server+command\r\n");
	}

	@Test
	void maxqueueWithoutArgumentsShouldBeInvalidArguments() {
		assertThat(admin("maxqueue")).startsWith("ERR INVALID_ARGUMENTS")
			.isEqualTo("ERR INVALID_ARGUMENTS An+incomplete+set+of+arguments+was+sent+to+this+command+maxqueue\r\n");
	}

	@Test
	void maxqueueWithANonNumericLimitShouldBeInvalidArgumentsAndChangeNothing() {
		TestPeer client = peer();
		assertThat(admin("maxqueue f many")).startsWith("ERR INVALID_ARGUMENTS").endsWith("\r\n");
		submitBg(client, "f", "", "1");
		submitBg(client, "f", "", "2");
	}

	@Test
	void pausedFunctionShouldTakeJobsButHandNoneOutUntilResumed() {
		TestPeer worker = worker("f", "g");
		TestPeer client = peer();
		String paused = submitBg(client, "f", "", "later");
		assertThat(admin("pause function f")).isEqualTo("OK\r\n");
		String other = submitBg(client, "g", "", "now");
		assertAssigned(grab(worker), other, "g", "now");
		expectNoJob(worker);
		assertThat(submitBg(client, "f", "", "more")).as("still takes jobs").isEqualTo(handle(3));
		worker.send(PacketType.PRE_SLEEP);
		worker.expectNoMessage();
		assertThat(engine().snapshot().join().functions()).filteredOn((f) -> f.name().equals("f"))
			.singleElement().satisfies((f) -> assertThat(f.paused()).isTrue());
		assertThat(admin("resume function f")).isEqualTo("OK\r\n");
		worker.expect(PacketType.NOOP);
		assertAssigned(grab(worker), paused, "f", "later");
		assertThat(admin("resume function nope")).isEqualTo("ERR function not found\r\n");
		assertThat(admin("pause f")).startsWith("ERR INVALID_ARGUMENTS");
	}

}
