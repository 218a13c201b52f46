package dev.gearman.samples.logqueue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Runs the {@code log_write} worker (unless {@code --gearman.worker.enabled=false}) and, with
 * {@code --queue=N}, queues N log records as a client.
 */
@SpringBootApplication
public class LogQueueApplication {

	/**
	 * Starts the sample.
	 * @param args e.g. {@code --queue=10}, {@code --log-queue.file=records.jsonl}
	 */
	public static void main(String[] args) {
		SpringApplication.run(LogQueueApplication.class, args);
	}

	@Bean
	LogFileWriter logFileWriter(@Value("${log-queue.file:log-queue.jsonl}") Path file, JsonMapper json) {
		return new LogFileWriter(file, json);
	}

	@Bean
	ApplicationRunner queueRecords(LogQueueClient client) {
		return (args) -> {
			if (args.containsOption("queue")) {
				int count = Integer.parseInt(args.getOptionValues("queue").get(0));
				for (int i = 1; i <= count; i++) {
					LogRecord record = new LogRecord(UUID.randomUUID().toString(), Instant.now(), "INFO",
							"dev.gearman.samples.logqueue", "log record " + i + " of " + count);
					System.out.println("queued " + record.id() + " as " + client.queue(record));
				}
			}
		};
	}

}
