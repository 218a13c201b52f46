package dev.gearman.samples.logqueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the sample end to end on an embedded server: ten records queued as background jobs come back from the
 * worker as ten lines of the log file, each exactly once and intact.
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
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> lines().size() >= 10);
		List<LogRecord> written = new ArrayList<>();
		for (String line : lines()) {
			written.add(this.json.readValue(line, LogRecord.class));
		}
		assertThat(written).containsExactlyInAnyOrderElementsOf(queued);
	}

	private List<String> lines() throws IOException {
		Path file = this.writer.file();
		return Files.exists(file) ? Files.readAllLines(file) : List.of();
	}

}
