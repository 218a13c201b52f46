package dev.gearman.samples.mapreduce;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The analysis of a whole log.
 *
 * @param chunks how many map jobs counted it
 * @param requests well-formed request lines
 * @param malformed lines that are not in Common Log Format
 * @param bytes response bytes sent
 * @param statuses requests per HTTP status, by status
 * @param topPaths the most requested paths, most requested first (ties by path)
 */
public record LogReport(int chunks, long requests, long malformed, long bytes, Map<Integer, Long> statuses,
		Map<String, Long> topPaths) {

	/**
	 * Builds the report from the counts of the whole log.
	 * @param chunks how many chunks were counted
	 * @param counts the reduced counts
	 * @param top how many paths to list
	 * @return the report
	 */
	public static LogReport of(int chunks, LogCounts counts, int top) {
		Map<String, Long> topPaths = new LinkedHashMap<>();
		counts.paths()
			.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
				.thenComparing(Map.Entry.comparingByKey()))
			.limit(top)
			.forEach((entry) -> topPaths.put(entry.getKey(), entry.getValue()));
		return new LogReport(chunks, counts.requests(), counts.malformed(), counts.bytes(),
				new TreeMap<>(counts.statuses()), topPaths);
	}

	@Override
	public String toString() {
		StringBuilder text = new StringBuilder();
		text.append(String.format("%d requests, %d bytes, %d malformed lines (%d chunks mapped)%n", this.requests,
				this.bytes, this.malformed, this.chunks));
		this.statuses.forEach((status, count) -> text.append(String.format("  status %d: %d%n", status, count)));
		this.topPaths.forEach((path, count) -> text.append(String.format("  %6d  %s%n", count, path)));
		return text.toString();
	}

}
