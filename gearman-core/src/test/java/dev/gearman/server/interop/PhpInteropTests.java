package dev.gearman.server.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

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

import static dev.gearman.server.interop.Peers.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PHP's gearman extension (GearmanClient and GearmanWorker on libgearman) on both ends of our server, also around
 * a raw worker that dies mid-job; the scripts are {@code src/test/resources/interop/php-client.php} and
 * {@code php-worker.php}.
 */
class PhpInteropTests {

	private static GearmanServer server;

	private Peers peers;

	@TempDir
	private Path dir;

	@BeforeAll
	static void startServer() {
		Peers.requirePhpGearman();
		server = TestServers.start((settings) -> {
		});
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
	void doNormalShouldRoundTripThroughAPhpWorker() {
		String function = Peers.uniqueFunction("reverse");
		ExternalProcess worker = this.peers.phpWorker("reverse", function);
		Map<String, List<String>> result = this.peers.phpClient("do", "normal", function, "Hello World!");
		assertThat(one(result, "rcname")).isEqualTo("SUCCESS");
		assertThat(one(result, "result")).isEqualTo("!dlroW olleH");
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
	}

	@Test
	void doHighNormalAndLowShouldBeServedInPriorityOrder() throws IOException {
		String function = Peers.uniqueFunction("prio");
		Path log = this.dir.resolve("prio.log");
		ExternalProcess low = this.peers.phpClientAsync("do", "low", function, "L");
		ExternalProcess normal = this.peers.phpClientAsync("do", "normal", function, "N");
		ExternalProcess high = this.peers.phpClientAsync("do", "high", function, "H");
		await("one queued job per priority").atMost(Peers.AWAIT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> this.peers.admin("prioritystatus", true), (s) -> s.contains(function + "\t1\t1\t1\t0\n"));
		ExternalProcess worker = this.peers.phpWorker("log", function, "count=3", "log=" + log);
		Map<String, ExternalProcess> clients = Map.of("L", low, "N", normal, "H", high);
		clients.forEach((data, client) -> {
			Map<String, List<String>> result = Peers.phpResult(client);
			assertThat(one(result, "rcname")).as(client.describe()).isEqualTo("SUCCESS");
			assertThat(one(result, "result")).isEqualTo("done:" + data);
		});
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
		assertThat(Files.readAllLines(log)).containsExactly("H", "N", "L");
	}

	@Test
	void doBackgroundShouldRunOnAWorkerStartedLater() throws IOException {
		String function = Peers.uniqueFunction("bg");
		Path log = this.dir.resolve("bg.log");
		Map<String, List<String>> submitted = this.peers.phpClient("bg", function, "bg-payload");
		assertThat(one(submitted, "rcname")).isEqualTo("SUCCESS");
		String handle = one(submitted, "handle");
		assertThat(handle).isNotBlank();
		assertThat(one(this.peers.phpClient("status", handle), "status")).isEqualTo("[true,false,0,0]");
		this.peers.phpWorker("log", function, "log=" + log).awaitSuccess(Peers.PROCESS_TIMEOUT);
		assertThat(Files.readString(log)).isEqualTo("bg-payload\n");
		assertThat(this.peers.phpClient("pollgone", handle, "10").get("ok")).containsExactly("true");
	}

	@Test
	void jobStatusShouldShowTheProgressOfARunningJob() throws IOException {
		String function = Peers.uniqueFunction("status");
		Path go = this.dir.resolve("go");
		String handle = one(this.peers.phpClient("bg", function, "status-job"), "handle");
		ExternalProcess worker = this.peers.phpWorker("status", function, "go=" + go);
		Map<String, List<String>> progress = this.peers.phpClient("pollstatus", handle, "3", "7", "15");
		assertThat(progress.get("ok")).as("statuses seen: %s", progress.get("seen")).containsExactly("true");
		assertThat(progress.get("seen")).last().isEqualTo("[true,true,3,7]");
		RawConnection raw = this.peers.connect();
		raw.send(Packet.request(PacketType.GET_STATUS, handle));
		Packet status = raw.expect(PacketType.STATUS_RES);
		assertThat(List.of(status.arg(0), status.arg(1), status.arg(2), status.arg(3), status.arg(4)))
			.containsExactly(handle, "1", "1", "3", "7");
		Files.createFile(go);
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
		assertThat(this.peers.phpClient("pollgone", handle, "10").get("ok")).containsExactly("true");
	}

	@Test
	void taskCallbacksShouldSeeDataWarningAndStatusInOrder() {
		String function = Peers.uniqueFunction("callbacks");
		ExternalProcess worker = this.peers.phpWorker("callbacks", function);
		Map<String, List<String>> result = this.peers.phpClient("tasks", function, "x");
		assertThat(result.get("log")).containsExactly("CREATED", "DATA:d1", "WARNING:w1", "STATUS:1/2", "DATA:d2",
				"COMPLETE:final");
		assertThat(one(result, "ok")).isEqualTo("true");
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
	}

	@Test
	void workerExceptionShouldSurfaceInTheClient() {
		String function = Peers.uniqueFunction("exception");
		ExternalProcess worker = this.peers.phpWorker("exception", function, "count=2");
		Map<String, List<String>> done = this.peers.phpClient("do", "normal", function, "x");
		assertThat(one(done, "rcname")).as("doNormal return code").isEqualTo("WORK_EXCEPTION");
		Map<String, List<String>> tasks = this.peers.phpClient("tasks", function, "y");
		assertThat(tasks.get("log")).contains("EXCEPTION:boom").noneMatch((entry) -> entry.startsWith("COMPLETE"));
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
	}

	@Test
	void workerFailureShouldSurfaceInTheClient() {
		String function = Peers.uniqueFunction("fail");
		ExternalProcess worker = this.peers.phpWorker("fail", function, "count=2");
		Map<String, List<String>> done = this.peers.phpClient("do", "normal", function, "x");
		assertThat(one(done, "rcname")).as("doNormal return code").isEqualTo("WORK_FAIL");
		Map<String, List<String>> tasks = this.peers.phpClient("tasks", function, "y");
		assertThat(tasks.get("log")).containsExactly("CREATED", "FAIL");
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
	}

	@Test
	void oneMebibytePayloadShouldRoundTripByteExact() throws IOException {
		String function = Peers.uniqueFunction("big");
		byte[] payload = new byte[1024 * 1024];
		new Random(42).nextBytes(payload);
		payload[0] = 0;
		payload[payload.length / 2] = 0;
		payload[payload.length - 1] = 0;
		Path in = this.dir.resolve("big.in");
		Path out = this.dir.resolve("big.out");
		Files.write(in, payload);
		ExternalProcess worker = this.peers.phpWorker("reverse", function);
		Map<String, List<String>> result = this.peers.phpClient("dofile", function, in.toString(), out.toString());
		assertThat(one(result, "rcname")).isEqualTo("SUCCESS");
		assertThat(one(result, "length")).isEqualTo(String.valueOf(payload.length));
		byte[] reversed = new byte[payload.length];
		for (int i = 0; i < payload.length; i++) {
			reversed[i] = payload[payload.length - 1 - i];
		}
		assertThat(Files.readAllBytes(out)).isEqualTo(reversed);
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
	}

	/** A raw worker dies mid-job: the job goes back to the queue and a PHP worker completes it for the PHP client. */
	@Test
	void jobOfAWorkerThatDisconnectsMidJobShouldGoToAnotherWorker() {
		String function = Peers.uniqueFunction("requeue");
		ExternalProcess client = this.peers.phpClientAsync("do", "normal", function, "requeue-me");
		RawConnection dying = this.peers.worker(null, function);
		Packet job = dying.grabBlocking(Peers.AWAIT);
		assertThat(job.data()).asString().isEqualTo("requeue-me");
		dying.send(Packet.request(PacketType.WORK_STATUS, job.arg(0), "1", "2"));
		dying.sync();
		this.peers.awaitStatus(function, 1, 1, 1);
		dying.close();
		this.peers.awaitStatus(function, 1, 0, 0);
		ExternalProcess second = this.peers.phpWorker("reverse", function);
		Map<String, List<String>> result = Peers.phpResult(client);
		assertThat(one(result, "rcname")).isEqualTo("SUCCESS");
		assertThat(one(result, "result")).isEqualTo("em-eueuqer");
		second.awaitSuccess(Peers.PROCESS_TIMEOUT);
		this.peers.awaitStatus(function, 0, 0, 0);
	}

}
