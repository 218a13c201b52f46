package dev.gearman.samples.mapreduce;

import java.util.HashMap;
import java.util.Map;

/**
 * What the map step returns for one chunk of the log, and what the reduce step adds up. Sent between worker and
 * client as JSON.
 *
 * @param requests well-formed request lines
 * @param malformed lines that are not in Common Log Format
 * @param bytes response bytes sent
 * @param statuses requests per HTTP status
 * @param paths requests per path; all of them, since a chunk's top paths need not be the log's
 */
public record LogCounts(long requests, long malformed, long bytes, Map<Integer, Long> statuses,
		Map<String, Long> paths) {

	/** Counts of nothing, the start of a reduction. */
	public static final LogCounts NONE = new LogCounts(0, 0, 0, Map.of(), Map.of());

	/**
	 * Adds two partial counts.
	 * @param other the other counts
	 * @return the sum
	 */
	public LogCounts plus(LogCounts other) {
		return new LogCounts(this.requests + other.requests, this.malformed + other.malformed,
				this.bytes + other.bytes, sum(this.statuses, other.statuses), sum(this.paths, other.paths));
	}

	private static <K> Map<K, Long> sum(Map<K, Long> a, Map<K, Long> b) {
		Map<K, Long> sum = new HashMap<>(a);
		b.forEach((key, count) -> sum.merge(key, count, Long::sum));
		return sum;
	}

}
