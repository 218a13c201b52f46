package dev.gearman.server.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.client.JobPriority;
import dev.gearman.server.GearmanServer;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server app on random ports with jobs flowing through it: {@code /actuator/health},
 * {@code /actuator/prometheus} and {@code /actuator/gearman} answer with what the server holds, and change as
 * jobs are queued, run and finish. It reads them as an operator, who sees every value.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gearman.server.port=0", "gearman.server.address=127.0.0.1",
				"gearman.server.handle-prefix=H:app-test", "gearman.server.metrics.refresh-interval=100ms",
				"gearman.server.shutdown-timeout=2s", "gearman.server.http.users.ops.password={noop}ops-secret",
				"gearman.server.http.users.ops.roles=operator" })
@DirtiesContext
class ServerAppActuatorTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	/** A fresh data directory, so that a durable store replays nothing from earlier runs or other tests. */
	@TempDir
	static Path dataDir;

	@LocalServerPort
	private int httpPort;

	@DynamicPropertySource
	static void dataDirectory(DynamicPropertyRegistry registry) {
		// the database URL itself: dynamic properties arrive after the app derived its URL from the data directory
		registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + dataDir.resolve("gearman").toAbsolutePath()
				+ ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
	}

	@Autowired
	private GearmanServer server;

	@AfterEach
	void closePeers() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void actuatorShouldFollowJobsFlowingThroughTheServer() throws Exception {
		String gearman = "127.0.0.1:" + this.server.port();
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		GearmanWorker worker = new GearmanWorker(GearmanWorkerSettings.of(gearman).withClientId("reverser"));
		worker.register("reverse", (job) -> {
			started.countDown();
			release.await(30, TimeUnit.SECONDS);
			return new StringBuilder(job.payloadAsString()).reverse().toString().getBytes();
		});
		worker.start();
		this.closeables.add(worker);
		GearmanClient client = new GearmanClient(GearmanClientSettings.of(gearman));
		this.closeables.add(client);

		// three jobs no worker can run, one that blocks on its worker
		for (int i = 0; i < 3; i++) {
			client.submitBackground(JobRequest.of("resize", "image-" + i)).get(10, TimeUnit.SECONDS);
		}
		client.submitBackground(JobRequest.of("resize", "urgent").withPriority(JobPriority.HIGH))
			.get(10, TimeUnit.SECONDS);
		var reversed = client.submit("reverse", "gearman");
		assertThat(started.await(10, TimeUnit.SECONDS)).as("the reverse job started").isTrue();

		JsonNode health = getJson("/actuator/health");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/gearmanServer/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/gearmanServer/details/port").asInt()).isEqualTo(this.server.port());
		assertThat(health.at("/components/gearmanStore/status").asString()).isEqualTo("UP");
		assertThat(getJson("/actuator/health/readiness").get("status").asString()).isEqualTo("UP");

		JsonNode report = getJson("/actuator/gearman");
		assertThat(report.at("/server/state").asString()).isEqualTo("RUNNING");
		JsonNode resize = function(report, "resize");
		assertThat(resize.get("queuedNormal").asInt()).isEqualTo(3);
		assertThat(resize.get("queuedHigh").asInt()).isEqualTo(1);
		assertThat(resize.get("workers").asInt()).isZero();
		JsonNode reverse = function(report, "reverse");
		assertThat(reverse.get("running").asInt()).isEqualTo(1);
		assertThat(reverse.get("workers").asInt()).isEqualTo(1);
		JsonNode reverser = null;
		for (JsonNode w : report.get("workers")) {
			if (w.get("clientId").asString().equals("reverser")) {
				reverser = w;
			}
		}
		assertThat(reverser).as("the worker in /actuator/gearman").isNotNull();
		assertThat(reverser.get("functions").get(0).asString()).isEqualTo("reverse");
		assertThat(report.get("jobCount").asInt()).isEqualTo(5);
		assertThat(report.get("jobs").get(0).get("handle").asString()).startsWith("H:app-test:");

		await().atMost(WAIT).untilAsserted(() -> {
			String prometheus = get("/actuator/prometheus");
			assertThat(metric(prometheus, "gearman_server_jobs_queued", "function", "resize", "priority", "normal"))
				.isEqualTo(3.0);
			assertThat(metric(prometheus, "gearman_server_jobs_queued", "function", "resize", "priority", "high"))
				.isEqualTo(1.0);
			assertThat(metric(prometheus, "gearman_server_jobs_running", "function", "reverse")).isEqualTo(1.0);
			assertThat(metric(prometheus, "gearman_server_workers", "function", "reverse")).isEqualTo(1.0);
			assertThat(metric(prometheus, "gearman_server_connections", "role", "worker")).isGreaterThanOrEqualTo(1.0);
			assertThat(metric(prometheus, "gearman_server_connections", "role", "client")).isGreaterThanOrEqualTo(1.0);
		});
		String before = get("/actuator/prometheus");
		assertThat(metric(before, "gearman_server_jobs_submitted_total", "function", "resize")).isEqualTo(4.0);
		assertThat(metric(before, "gearman_server_jobs_submitted_total", "function", "reverse")).isEqualTo(1.0);
		assertThat(metric(before, "gearman_server_jobs_completed_total", "function", "reverse")).isEqualTo(0.0);
		assertThat(metric(before, "gearman_server_jobs_queue_wait_seconds_count", "function", "reverse"))
			.isEqualTo(1.0);
		assertThat(before).contains("gearman_server_jobs_queue_wait_seconds_bucket{function=\"reverse\",le=\"0.001\"}");
		// the default JDBC store commits the four background jobs and reports its batches
		assertThat(health.at("/components/gearmanStore/details/durable").asBoolean()).isTrue();
		assertThat(metric(before, "gearman_server_store_batch_size_sum", "operation", "insert")).isEqualTo(4.0);
		assertThat(metric(before, "gearman_server_store_commit_seconds_count", "operation", "insert"))
			.isBetween(1.0, 4.0);

		release.countDown();
		assertThat(new String(reversed.get(10, TimeUnit.SECONDS))).isEqualTo("namraeg");
		await().atMost(WAIT).untilAsserted(() -> {
			String prometheus = get("/actuator/prometheus");
			assertThat(metric(prometheus, "gearman_server_jobs_completed_total", "function", "reverse"))
				.isEqualTo(1.0);
			assertThat(metric(prometheus, "gearman_server_jobs_run_seconds_count", "function", "reverse"))
				.isEqualTo(1.0);
			assertThat(metric(prometheus, "gearman_server_jobs_running", "function", "reverse")).isEqualTo(0.0);
		});
		JsonNode after = getJson("/actuator/gearman");
		assertThat(function(after, "reverse").get("running").asInt()).isZero();
		assertThat(after.get("jobCount").asInt()).isEqualTo(4);
	}

	private static JsonNode function(JsonNode report, String name) {
		for (JsonNode f : report.get("functions")) {
			if (f.get("name").asString().equals(name)) {
				return f;
			}
		}
		throw new AssertionError("no function " + name + " in " + report);
	}

	/** The value of one sample of the Prometheus text format, or null if absent. */
	static @Nullable Double metric(String body, String name, String... tags) {
		Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
		Matcher matcher = line.matcher(body);
		while (matcher.find()) {
			String labels = matcher.group(1);
			boolean all = true;
			for (int i = 0; i < tags.length; i += 2) {
				all &= labels.contains(tags[i] + "=\"" + tags[i + 1] + "\"");
			}
			if (all) {
				return Double.parseDouble(matcher.group(2));
			}
		}
		return null;
	}

	private JsonNode getJson(String path) throws Exception {
		return this.json.readTree(get(path));
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
					.header("Authorization", "Basic " + java.util.Base64.getEncoder()
						.encodeToString("ops:ops-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
					.timeout(Duration.ofSeconds(10))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return response.body();
	}

}
