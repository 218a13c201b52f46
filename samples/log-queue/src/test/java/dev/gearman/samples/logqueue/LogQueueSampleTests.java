package dev.gearman.samples.logqueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the sample end to end on an embedded server: ten records queued as background jobs come back from the
 * worker as ten lines of the log file, each exactly once and intact; a record queued with the {@code gearman} CLI
 * is written too.
 */
@SpringBootTest
@EmbeddedGearmanServer
class LogQueueSampleTests {

	@TempDir
	static Path directory;

	@DynamicPropertySource
	static void logFile(DynamicPropertyRegistry registry) {
		registry.add("log-queue.file", () -> directory.resolve("records.jsonl").toString());
	}

	@Autowired
	private LogQueueClient client;

	@Autowired
	private LogFileWriter writer;

	@Autowired
	private JsonMapper json;

	@Value("${local.gearman.port}")
	private int port;

	@Test
	void queuedRecordsShouldEachBeWrittenOnce() throws IOException {
		List<LogRecord> queued = new ArrayList<>();
		List<String> handles = new ArrayList<>();
		for (int i = 1; i <= 10; i++) {
			LogRecord record = new LogRecord(UUID.randomUUID().toString(), Instant.parse("2026-01-01T00:00:00Z"),
					"INFO", "test", "record " + i);
			JobHandle handle = this.client.queue(record);
			queued.add(record);
			handles.add(handle.handle());
		}
		assertThat(handles).doesNotHaveDuplicates();
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> records().containsAll(queued));
		assertThat(records()).filteredOn(queued::contains).containsExactlyInAnyOrderElementsOf(queued);
	}

	@Test
	void gearmanCliShouldQueueARecordTheWorkerWrites() throws IOException, InterruptedException {
		String id = UUID.randomUUID().toString();
		String record = "{\"id\":\"" + id + "\",\"time\":\"2026-01-01T00:00:00Z\",\"level\":\"WARN\","
				+ "\"logger\":\"shell\",\"message\":\"hi\"}";
		Process cli = new ProcessBuilder("gearman", "-h", "127.0.0.1", "-p", Integer.toString(this.port), "-b", "-f",
				"log_write", record).redirectErrorStream(true).start();
		try {
			assertThat(cli.waitFor(20, TimeUnit.SECONDS)).as("gearman CLI (Debian package gearman-tools) finished")
				.isTrue();
			assertThat(cli.exitValue()).isZero();
		}
		finally {
			cli.destroyForcibly();
		}
		LogRecord expected = new LogRecord(id, Instant.parse("2026-01-01T00:00:00Z"), "WARN", "shell", "hi");
		await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> records().contains(expected));
		assertThat(records()).filteredOn((written) -> written.id().equals(id)).hasSize(1);
	}

	private List<LogRecord> records() throws IOException {
		List<LogRecord> written = new ArrayList<>();
		for (String line : lines()) {
			written.add(this.json.readValue(line, LogRecord.class));
		}
		return written;
	}

	private List<String> lines() throws IOException {
		Path file = this.writer.file();
		return Files.exists(file) ? Files.readAllLines(file) : List.of();
	}

}
