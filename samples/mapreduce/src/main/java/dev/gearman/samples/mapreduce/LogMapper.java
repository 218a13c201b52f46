package dev.gearman.samples.mapreduce;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gearman.spring.annotation.GearmanFunction;
import org.springframework.stereotype.Component;

/**
 * The map step: serves {@code count_log_chunk}, which counts the requests in a chunk of an access log in Common
 * Log Format, e.g. {@code 10.0.0.1 - - [30/Nov/2026:07:00:00 +0000] "GET /index.html HTTP/1.1" 200 1043}.
 */
@Component
public class LogMapper {

	private static final Pattern REQUEST = Pattern
		.compile("^\\S+ \\S+ \\S+ \\[[^\\]]+] \"[A-Z]+ (\\S+)[^\"]*\" (\\d{3}) (\\d+|-)$");

	/**
	 * Counts one chunk.
	 * @param chunk lines of the log
	 * @return the chunk's counts
	 */
	@GearmanFunction(name = "count_log_chunk")
	public LogCounts count(String chunk) {
		long requests = 0;
		long malformed = 0;
		long bytes = 0;
		Map<Integer, Long> statuses = new HashMap<>();
		Map<String, Long> paths = new HashMap<>();
		for (String line : chunk.split("\n")) {
			Matcher request = REQUEST.matcher(line);
			if (!request.matches()) {
				malformed += line.isBlank() ? 0 : 1;
				continue;
			}
			requests++;
			paths.merge(request.group(1), 1L, Long::sum);
			statuses.merge(Integer.valueOf(request.group(2)), 1L, Long::sum);
			bytes += request.group(3).equals("-") ? 0 : Long.parseLong(request.group(3));
		}
		return new LogCounts(requests, malformed, bytes, statuses, paths);
	}

}
