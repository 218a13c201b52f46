package dev.gearman.samples.mapreduce;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.gearman.spring.core.GearmanTemplate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * The client side: splits a log into chunks (split), has workers count them in parallel (map, one
 * {@code count_log_chunk} job per chunk, all submitted at once with {@link GearmanTemplate#callAll}), and adds
 * the partial counts up into a report (reduce).
 */
@Service
public class LogAnalyzer {

	private final GearmanTemplate gearman;

	private final int chunkLines;

	private final int topPaths;

	public LogAnalyzer(GearmanTemplate gearman, @Value("${logs.chunk-lines:1000}") int chunkLines,
			@Value("${logs.top-paths:5}") int topPaths) {
		this.gearman = gearman;
		this.chunkLines = chunkLines;
		this.topPaths = topPaths;
	}

	/**
	 * Analyzes a log.
	 * @param log the log's lines
	 * @return the report
	 * @throws IOException if the log cannot be read
	 */
	public LogReport analyze(BufferedReader log) throws IOException {
		List<String> chunks = split(log);
		List<LogCounts> partials = this.gearman.callAll("count_log_chunk", chunks, LogCounts.class).values();
		LogCounts total = partials.stream().reduce(LogCounts.NONE, LogCounts::plus);
		return LogReport.of(chunks.size(), total, this.topPaths);
	}

	private List<String> split(BufferedReader log) throws IOException {
		List<String> chunks = new ArrayList<>();
		StringBuilder chunk = new StringBuilder();
		int lines = 0;
		for (String line = log.readLine(); line != null; line = log.readLine()) {
			chunk.append(line).append('\n');
			if (++lines == this.chunkLines) {
				chunks.add(chunk.toString());
				chunk.setLength(0);
				lines = 0;
			}
		}
		if (lines > 0) {
			chunks.add(chunk.toString());
		}
		return chunks;
	}

}
