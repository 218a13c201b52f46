package dev.gearman.server.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code gearman} command-line client and worker (libgearman, Debian gearman-tools) against our server.
 */
class CliInteropTests {

	private static GearmanServer server;

	private Peers peers;

	@TempDir
	private Path dir;

	@BeforeAll
	static void startServer() {
		Peers.requireGearmanTools();
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

	/** The seed example: {@code gearman -w -f wc -- wc -l} and {@code gearman -f wc < /etc/passwd}. */
	@Test
	void wcWorkerShouldCountTheLinesOfEtcPasswd() throws IOException {
		Path passwd = Path.of("/etc/passwd");
		long lines = new String(Files.readAllBytes(passwd), StandardCharsets.ISO_8859_1).chars()
			.filter((c) -> c == '\n')
			.count();
		assertThat(lines).isPositive();
		ExternalProcess worker = this.peers.spawn(this.peers.gearman("-w", "-f", "wc", "-c", "1", "--", "wc", "-l"));
		this.peers.awaitWorkers("wc", 1);
		ExternalProcess client = this.peers.run(this.peers.gearman("-f", "wc"), passwd);
		assertThat(client.stdout().strip()).as(client.describe()).isEqualTo(String.valueOf(lines));
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
	}

	@Test
	void revWorkerShouldReverseHelloWorld() {
		String function = Peers.uniqueFunction("rev");
		ExternalProcess worker = this.peers.spawn(this.peers.gearman("-w", "-f", function, "-c", "1", "--", "rev"));
		this.peers.awaitWorkers(function, 1);
		ExternalProcess client = this.peers.run(this.peers.gearman("-f", function, "Hello World!"), null);
		assertThat(client.stdout()).as(client.describe()).isEqualTo("!dlroW olleH");
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
		this.peers.awaitStatus(function, 0, 0, 0);
	}

	@Test
	void backgroundJobShouldRunOnAWorkerThatStartsLater() throws IOException {
		String function = Peers.uniqueFunction("bg");
		Path out = this.dir.resolve("bg.out");
		ExternalProcess client = this.peers.run(this.peers.gearman("-b", "-f", function, "cli-bg-data"), null);
		assertThat(client.stderr()).as(client.describe()).isEmpty();
		this.peers.awaitStatus(function, 1, 0, 0);
		assertThat(out).doesNotExist();
		ExternalProcess worker = this.peers.spawn(this.peers.gearman("-w", "-f", function, "-c", "1", "--", "sh", "-c",
				"cat > '" + out + "'"));
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
		assertThat(Files.readString(out)).isEqualTo("cli-bg-data");
		this.peers.awaitStatus(function, 0, 0, 0);
	}

	@Test
	void backgroundJobsShouldRunHighThenNormalThenLow() throws IOException {
		String function = Peers.uniqueFunction("prio");
		Path out = this.dir.resolve("prio.out");
		submitBackground(function, "-L", "low-1");
		submitBackground(function, null, "normal-1");
		submitBackground(function, "-I", "high-1");
		submitBackground(function, "-L", "low-2");
		submitBackground(function, null, "normal-2");
		submitBackground(function, "-I", "high-2");
		assertThat(this.peers.admin("prioritystatus", true)).contains(function + "\t2\t2\t2\t0\n");
		ExternalProcess worker = this.peers.spawn(this.peers.gearman("-w", "-f", function, "-c", "6", "--", "sh", "-c",
				"cat >> '" + out + "'; echo >> '" + out + "'"));
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
		assertThat(Files.readAllLines(out)).containsExactly("high-1", "high-2", "normal-1", "normal-2", "low-1",
				"low-2");
	}

	private void submitBackground(String function, String priorityFlag, String data) {
		List<String> command = (priorityFlag != null) ? this.peers.gearman("-b", priorityFlag, "-f", function, data)
				: this.peers.gearman("-b", "-f", function, data);
		this.peers.run(command, null);
	}

}
