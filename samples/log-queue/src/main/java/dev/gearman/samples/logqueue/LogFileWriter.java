package dev.gearman.samples.logqueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import tools.jackson.databind.json.JsonMapper;

/**
 * Appends records to a file, one JSON object per line. Calls are serialized so that concurrent jobs never
 * interleave their lines.
 */
public class LogFileWriter {

	private final Path file;

	private final JsonMapper json;

	/**
	 * Creates a writer.
	 * @param file the file, created (with its directory) on the first record
	 * @param json writes the records
	 */
	public LogFileWriter(Path file, JsonMapper json) {
		this.file = file;
		this.json = json;
	}

	/**
	 * Appends one record.
	 * @param record the record
	 */
	public synchronized void append(LogRecord record) {
		String line = this.json.writeValueAsString(record) + "\n";
		try {
			Path directory = this.file.toAbsolutePath().getParent();
			if (directory != null) {
				Files.createDirectories(directory);
			}
			Files.writeString(this.file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			// Thrown on, the job fails with WORK_EXCEPTION instead of being lost silently.
			throw new UncheckedIOException("Cannot append to " + this.file, ex);
		}
	}

	/** @return the file written to */
	public Path file() {
		return this.file;
	}

}
