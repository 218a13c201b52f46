package dev.gearman.samples.logqueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue survives a server restart when the server app uses its durable store: ten records are queued with
 * no worker running, the server is stopped (gracefully, or with {@code kill -9}) and started again on the same
 * data directory, {@code gearadmin --status} shows the ten jobs, and a worker started then writes each record
 * exactly once. A final restart (once) shows that finished jobs stay finished.
 */
class LogQueueRestartIT {

	@TempDir
	Path directory;

	@ParameterizedTest(name = "server {0}")
	@ValueSource(strings = { "stopped", "killed" })
	void queuedRecordsShouldSurviveARestartAndBeWrittenOnce(String how) throws Exception {
		Path dataDir = this.directory.resolve("data");
		Path serverLog = this.directory.resolve("server.log");
		Path records = this.directory.resolve("records.jsonl");
		List<LogRecord> queued = new ArrayList<>();

		try (ServerAppProcess server = ServerAppProcess.start(dataDir, serverLog)) {
			try (ConfigurableApplicationContext client = sample(server, false, records)) {
				LogQueueClient queue = client.getBean(LogQueueClient.class);
				for (int i = 1; i <= 10; i++) {
					LogRecord record = new LogRecord(UUID.randomUUID().toString(), Instant.now(), "INFO", "restart",
							"record " + i);
					queue.queue(record);
					queued.add(record);
				}
			}
			assertThat(server.gearadminStatus()).contains("log_write\t10\t0\t0");
			if (how.equals("killed")) {
				server.kill();
			}
			else {
				server.stop();
			}
		}

		try (ServerAppProcess server = ServerAppProcess.start(dataDir, serverLog)) {
			assertThat(server.gearadminStatus()).as("queue after the restart; server log: %s", serverLog)
				.contains("log_write\t10\t0\t0");
			try (ConfigurableApplicationContext worker = sample(server, true, records)) {
				JsonMapper json = worker.getBean(JsonMapper.class);
				await().atMost(Duration.ofSeconds(20))
					.pollInterval(Duration.ofMillis(50))
					.until(() -> read(records, json).size() >= queued.size());
				await().atMost(Duration.ofSeconds(10))
					.pollInterval(Duration.ofMillis(50))
					.until(server::gearadminStatus, (status) -> status.contains("log_write\t0\t0\t1"));
				assertThat(read(records, json)).containsExactlyInAnyOrderElementsOf(queued);
			}
			server.stop();
		}

		// How the first server went down does not matter for this last look, so it is taken once.
		if (how.equals("stopped")) {
			try (ServerAppProcess server = ServerAppProcess.start(dataDir, serverLog)) {
				assertThat(server.gearadminStatus()).as("queue after the jobs were done")
					.noneMatch((line) -> line.startsWith("log_write\t") && !line.startsWith("log_write\t0\t"));
				server.stop();
			}
		}
	}

	private static ConfigurableApplicationContext sample(ServerAppProcess server, boolean worker, Path records) {
		return new SpringApplicationBuilder(LogQueueApplication.class).run("--spring.main.banner-mode=off",
				"--gearman.server.enabled=false", "--gearman.servers=127.0.0.1:" + server.port(),
				"--gearman.worker.enabled=" + worker, "--log-queue.file=" + records);
	}

	private static List<LogRecord> read(Path file, JsonMapper json) throws IOException {
		List<LogRecord> records = new ArrayList<>();
		if (Files.exists(file)) {
			for (String line : Files.readAllLines(file)) {
				records.add(json.readValue(line, LogRecord.class));
			}
		}
		return records;
	}

}
