package dev.gearman.samples.logqueue;

import dev.gearman.spring.annotation.GearmanFunction;
import org.springframework.stereotype.Component;

/**
 * Serves {@code log_write}: the workload is read as a {@link LogRecord} from JSON and appended to the log file.
 */
@Component
public class LogWorker {

	private final LogFileWriter writer;

	public LogWorker(LogFileWriter writer) {
		this.writer = writer;
	}

	/**
	 * Writes one record.
	 * @param record the record
	 */
	@GearmanFunction(name = LogQueueClient.FUNCTION)
	public void write(LogRecord record) {
		this.writer.append(record);
	}

}
