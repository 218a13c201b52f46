package dev.gearman.samples.mapreduce;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the analysis end to end on an embedded server and checks the report against counts kept while the log
 * was generated.
 */
@SpringBootTest(properties = { "logs.chunk-lines=500", "logs.top-paths=3" })
@EmbeddedGearmanServer
class MapReduceSampleTests {

	private static final List<String> PATHS = List.of("/", "/index.html", "/api/jobs", "/blog/map-reduce",
			"/favicon.ico", "/a/very/long/path?with=query&and=more");

	private static final List<Integer> STATUSES = List.of(200, 200, 200, 301, 304, 404, 500);

	private static final List<String> MALFORMED = List.of("garbage", "GET / HTTP/1.1",
			"10.0.0.1 - - [30/Nov/2026:07:00:00 +0000] \"GET /x HTTP/1.1\" 2000 12",
			"10.0.0.1 - - [30/Nov/2026:07:00:00 +0000] \"GET /x HTTP/1.1\" 200");

	@Autowired
	private LogAnalyzer analyzer;

	@Test
	void reportShouldMatchTheCountsOfTheWholeLog() throws Exception {
		Random random = new Random(7);
		StringBuilder log = new StringBuilder();
		long requests = 0;
		long malformed = 0;
		long bytes = 0;
		Map<Integer, Long> statuses = new TreeMap<>();
		Map<String, Long> paths = new HashMap<>();
		int lines = 12_345;
		for (int i = 0; i < lines; i++) {
			if (random.nextInt(50) == 0) {
				log.append(MALFORMED.get(random.nextInt(MALFORMED.size()))).append('\n');
				malformed++;
				continue;
			}
			// skewed, so that the top paths are clear: "/" most, then "/index.html", ...
			String path = PATHS.get(Math.min(random.nextInt(PATHS.size()), random.nextInt(PATHS.size())));
			int status = STATUSES.get(random.nextInt(STATUSES.size()));
			int size = (status == 304) ? 0 : random.nextInt(100_000);
			log.append(String.format("10.1.%d.%d - user [30/Nov/2026:07:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %s%n",
					random.nextInt(256), random.nextInt(256), (i / 60) % 60, i % 60,
					random.nextBoolean() ? "GET" : "POST", path, status, (status == 304) ? "-" : size));
			requests++;
			bytes += size;
			statuses.merge(status, 1L, Long::sum);
			paths.merge(path, 1L, Long::sum);
		}

		LogReport report = this.analyzer.analyze(new BufferedReader(new StringReader(log.toString())));

		assertThat(report.chunks()).isEqualTo(25); // 12,345 lines in chunks of 500
		assertThat(report.requests()).isEqualTo(requests);
		assertThat(report.malformed()).isEqualTo(malformed).isPositive();
		assertThat(report.bytes()).isEqualTo(bytes);
		assertThat(report.statuses()).containsExactlyEntriesOf(statuses);
		assertThat(report.topPaths()).containsExactly(Map.entry("/", paths.get("/")),
				Map.entry("/index.html", paths.get("/index.html")), Map.entry("/api/jobs", paths.get("/api/jobs")));
	}

	@Test
	void emptyLogShouldGiveAnEmptyReport() throws Exception {
		LogReport report = this.analyzer.analyze(new BufferedReader(new StringReader("")));
		assertThat(report.chunks()).isZero();
		assertThat(report.requests()).isZero();
		assertThat(report.topPaths()).isEmpty();
	}

}
