package dev.gearman.server.interop;

import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import dev.gearman.server.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gearadmin} (libgearman, Debian gearman-tools) against our admin text protocol, with raw-socket workers
 * and clients setting up the state it reports.
 */
class GearadminInteropTests {

	private static final String VERSION = "9.8.7-interop";

	private static GearmanServer server;

	private Peers peers;

	@TempDir
	private Path dir;

	@BeforeAll
	static void startServer() {
		Peers.requireGearmanTools();
		server = TestServers.start((settings) -> settings.setVersion(VERSION));
	}

	@AfterAll
	static void stopServer() {
		if (server != null) {
			server.stop();
		}
	}

	@BeforeEach
	void createPeers() {
		this.peers = new Peers(server.port(), this.dir);
	}

	@AfterEach
	void closePeers() {
		this.peers.close();
	}

	@Test
	void statusShouldCountQueuedAndRunningJobsAndWorkers() {
		String function = Peers.uniqueFunction("status");
		RawConnection worker = this.peers.worker(null, function);
		RawConnection client = this.peers.connect();
		client.submitBackground(PacketType.SUBMIT_JOB_BG, function, "", "one");
		client.submitBackground(PacketType.SUBMIT_JOB_BG, function, "", "two");
		String status = this.peers.gearadmin("--status");
		assertThat(status).contains(function + "\t2\t0\t1\n").endsWith("\n.\n");
		grab(worker);
		assertThat(this.peers.gearadmin("--status")).contains(function + "\t2\t1\t1\n");
	}

	@Test
	void priorityStatusShouldCountWaitingJobsPerPriority() {
		String function = Peers.uniqueFunction("prio");
		RawConnection worker = this.peers.worker(null, function);
		RawConnection client = this.peers.connect();
		client.submitBackground(PacketType.SUBMIT_JOB_HIGH_BG, function, "", "h");
		for (int i = 0; i < 2; i++) {
			client.submitBackground(PacketType.SUBMIT_JOB_BG, function, "", "n" + i);
		}
		for (int i = 0; i < 3; i++) {
			client.submitBackground(PacketType.SUBMIT_JOB_LOW_BG, function, "", "l" + i);
		}
		assertThat(this.peers.gearadmin("--priority-status")).contains(function + "\t1\t2\t3\t1\n").endsWith("\n.\n");
		assertThat(grab(worker).data()).asString().isEqualTo("h");
		assertThat(this.peers.gearadmin("--priority-status")).contains(function + "\t0\t2\t3\t1\n");
		assertThat(this.peers.gearadmin("--status")).contains(function + "\t6\t1\t1\n");
	}

	@Test
	void workersShouldShowTheClientIdAndFunctions() {
		String first = Peers.uniqueFunction("workers-a");
		String second = Peers.uniqueFunction("workers-b");
		String clientId = Peers.uniqueFunction("worker-id");
		this.peers.worker(clientId, first, second);
		String workers = this.peers.gearadmin("--workers");
		assertThat(workers).endsWith("\n.\n")
			.containsPattern(Pattern.compile("(?m)^\\d+ 127\\.0\\.0\\.1 " + Pattern.quote(clientId) + " : "
					+ Pattern.quote(first) + " " + Pattern.quote(second) + "$"));
	}

	@Test
	void showJobsShouldListHandlesAndShowUniqueJobsTheirUniques() {
		String function = Peers.uniqueFunction("show");
		String unique = Peers.uniqueFunction("unique");
		String handle = this.peers.connect().submitBackground(PacketType.SUBMIT_JOB_BG, function, unique, "x");
		assertThat(this.peers.gearadmin("--show-jobs")).endsWith(".\n")
			.containsPattern(Pattern.compile("(?m)^" + Pattern.quote(handle) + "\t0\t0\t0$"));
		assertThat(this.peers.gearadmin("--show-unique-jobs")).endsWith(".\n")
			.containsPattern(Pattern.compile("(?m)^" + Pattern.quote(unique) + "$"));
	}

	@Test
	void serverVersionShouldEqualTheVersionAdminReply() {
		String printed = this.peers.gearadmin("--server-version");
		assertThat(printed).isEqualTo(VERSION + "\n");
		assertThat(this.peers.admin("version", false)).isEqualTo("OK " + printed);
	}

	@Test
	void getpidShouldPrintThePidOfThisJvm() {
		assertThat(this.peers.gearadmin("--getpid")).isEqualTo(ProcessHandle.current().pid() + "\n");
	}

	@Test
	void cancelJobShouldRemoveTheQueuedJob() {
		String function = Peers.uniqueFunction("cancel");
		RawConnection client = this.peers.connect();
		String doomed = client.submitBackground(PacketType.SUBMIT_JOB_BG, function, "", "doomed");
		String kept = client.submitBackground(PacketType.SUBMIT_JOB_BG, function, "", "kept");
		assertThat(this.peers.gearadmin("--cancel-job", doomed)).isEqualTo("OK\n");
		assertThat(this.peers.gearadmin("--show-jobs")).doesNotContain(doomed + "\t").contains(kept + "\t");
		assertThat(this.peers.gearadmin("--status")).contains(function + "\t1\t0\t0\n");
		client.send(Packet.request(PacketType.GET_STATUS, doomed));
		assertThat(client.expect(PacketType.STATUS_RES).arg(1)).as("known").isEqualTo("0");
		RawConnection worker = this.peers.worker(null, function);
		assertThat(grab(worker).arg(0)).isEqualTo(kept);
		worker.send(Packet.request(PacketType.GRAB_JOB));
		worker.expect(PacketType.NO_JOB);
		ExternalProcess again = this.peers.gearadminProcess("--cancel-job", doomed);
		assertThat(again.stdout()).isEmpty();
		assertThat(again.stderr()).contains("UNKNOWN_JOB");
	}

	@Test
	void createAndDropFunctionShouldAddAndRemoveIt() {
		String function = Peers.uniqueFunction("created");
		assertThat(this.peers.status(function)).isEmpty();
		assertThat(this.peers.gearadmin("--create-function", function)).isEqualTo("OK\n");
		assertThat(this.peers.gearadmin("--status")).contains(function + "\t0\t0\t0\n");
		assertThat(this.peers.gearadmin("--drop-function", function)).isEqualTo("OK\n");
		assertThat(this.peers.gearadmin("--status")).doesNotContain(function + "\t");
		ExternalProcess again = this.peers.gearadminProcess("--drop-function", function);
		assertThat(again.stderr()).contains("function not found");
	}

	@Test
	void dropFunctionWhileAWorkerIsConnectedShouldBeRefused() {
		String function = Peers.uniqueFunction("busy");
		this.peers.worker(null, function);
		ExternalProcess drop = this.peers.gearadminProcess("--drop-function", function);
		assertThat(drop.stdout()).isEmpty();
		assertThat(drop.stderr()).contains("still connected workers");
		assertThat(this.peers.status(function)).contains("0\t0\t1");
	}

	private static Packet grab(RawConnection worker) {
		worker.send(Packet.request(PacketType.GRAB_JOB));
		return worker.readUntil(Set.of(PacketType.JOB_ASSIGN));
	}

}
