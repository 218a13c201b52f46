package dev.gearman.server.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
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
 * The server app's HTTP API for failed jobs, on its default JDBC store: {@code /actuator/deadletters} (list, show,
 * requeue one or a function, delete, purge) and {@code /actuator/jobhistory}, the same letters over the admin text
 * protocol, and the dead letters held in {@code /actuator/prometheus}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gearman.server.port=0", "gearman.server.address=127.0.0.1",
				"gearman.server.handle-prefix=H:dead-test", "gearman.server.metrics.refresh-interval=100ms",
				"gearman.server.shutdown-timeout=2s", "gearman.server.retry.max-attempts=2",
				"gearman.server.retry.initial-delay=0s", "gearman.server.history.enabled=true",
				"gearman.server.http.users.ops.password={noop}ops-secret", "gearman.server.http.users.ops.roles=operator",
				"gearman.server.http.users.grafana.password={noop}viewer-secret",
				"gearman.server.http.users.grafana.roles=viewer" })
@DirtiesContext
class ServerAppDeadLetterTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@TempDir
	static Path dataDir;

	@LocalServerPort
	private int httpPort;

	@Autowired
	private GearmanServer server;

	/** Whether the worker fails its jobs. */
	private volatile boolean broken = true;

	@DynamicPropertySource
	static void dataDirectory(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + dataDir.resolve("gearman").toAbsolutePath()
				+ ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
	}

	@AfterEach
	void closePeers() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void operatorShouldListShowRequeueAndPurgeDeadLettersOverHttp() throws Exception {
		String gearman = "127.0.0.1:" + this.server.port();
		GearmanWorker worker = new GearmanWorker(GearmanWorkerSettings.of(gearman).withClientId("mailer"));
		for (String function : List.of("mail", "sms")) {
			worker.register(function, (job) -> {
				if (this.broken) {
					throw new IllegalStateException("smtp down");
				}
				return "sent".getBytes(StandardCharsets.UTF_8);
			});
		}
		worker.start();
		this.closeables.add(worker);
		GearmanClient client = new GearmanClient(GearmanClientSettings.of(gearman));
		this.closeables.add(client);
		String first = client.submitBackground(JobRequest.of("mail", "to:a@example.com").withUnique("mail-a"))
			.get(10, TimeUnit.SECONDS)
			.handle();
		client.submitBackground(JobRequest.of("mail", "to:b@example.com").withUnique("mail-b")).get(10, TimeUnit.SECONDS);
		client.submitBackground(JobRequest.of("sms", "+1 555").withUnique("sms-1")).get(10, TimeUnit.SECONDS);
		await().atMost(WAIT).until(() -> get("/actuator/deadletters").at("/counts/mail").asLong() == 2
				&& get("/actuator/deadletters").at("/counts/sms").asLong() == 1);

		assertThat(get("/actuator/deadletters?function=mail&limit=1").get("letters")).hasSize(1);
		JsonNode page = get("/actuator/deadletters?function=mail");
		assertThat(page.get("letters").findValuesAsString("unique")).containsExactlyInAnyOrder("mail-a", "mail-b");
		JsonNode letter = page.get("letters").get(0);
		for (JsonNode candidate : page.get("letters")) {
			if (candidate.get("unique").asString().equals("mail-a")) {
				letter = candidate;
			}
		}
		assertThat(letter.get("attempts").asInt()).isEqualTo(2);
		assertThat(letter.get("lastError").asString()).isEqualTo("java.lang.IllegalStateException: smtp down");
		assertThat(letter.get("worker").asString()).isEqualTo("mailer");
		assertThat(letter.get("priority").asString()).isEqualTo("NORMAL");
		assertThat(letter.path("data").isMissingNode() || letter.get("data").isNull()).as("pages leave payloads out")
			.isTrue();
		assertThat(letter.get("size").asInt()).isEqualTo("to:a@example.com".length());
		long id = letter.get("id").asLong();
		JsonNode shown = get("/actuator/deadletters/" + id);
		assertThat(new String(Base64.getDecoder().decode(shown.get("data").asString()), StandardCharsets.UTF_8))
			.isEqualTo("to:a@example.com");

		// the same letters over the admin text protocol
		try (RawConnection admin = RawConnection.open("127.0.0.1", this.server.port())) {
			assertThat(admin.admin("dead status", true)).isEqualTo("mail\t2\nsms\t1\n.\n");
		}
		await().atMost(WAIT).until(() -> prometheus().contains("gearman_server_dead_letters{function=\"mail\"} 2.0"));

		this.broken = false;
		HttpResponse<String> requeued = send("POST", "/actuator/deadletters/" + id, null);
		assertThat(requeued.statusCode()).isEqualTo(200);
		String handle = this.json.readTree(requeued.body()).get("handle").asString();
		assertThat(handle).startsWith("H:dead-test:");
		await().atMost(WAIT).until(() -> get("/actuator/jobhistory/" + handle).toString().contains("COMPLETED"));
		JsonNode history = get("/actuator/jobhistory?unique=mail-a");
		assertThat(history.get("enabled").asBoolean()).isTrue();
		assertThat(history.get("events").findValuesAsString("type")).containsExactly("SUBMITTED", "ATTEMPT_FAILED",
				"DEAD", "REQUEUED", "COMPLETED");
		assertThat(history.get("events").get(0).get("handle").asString()).isEqualTo(first);

		HttpResponse<String> all = send("POST", "/actuator/deadletters", "{\"function\":\"mail\"}");
		assertThat(all.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(all.body()).get("requeued").asInt()).isEqualTo(1);

		HttpResponse<String> purged = send("DELETE", "/actuator/deadletters?function=sms", null);
		assertThat(this.json.readTree(purged.body()).get("purged").asInt()).isEqualTo(1);
		await().atMost(WAIT).until(() -> get("/actuator/deadletters").get("counts").isEmpty());

		HttpResponse<String> gone = send("POST", "/actuator/deadletters/" + id, null);
		assertThat(gone.statusCode()).isEqualTo(404);
		assertThat(this.json.readTree(gone.body()).get("error").asString()).isEqualTo("NO_SUCH_DEAD_LETTER");
		assertThat(send("DELETE", "/actuator/deadletters/" + id, null).statusCode()).isEqualTo(404);
		assertThat(send("GET", "/actuator/jobhistory/H:nobody:1", null).statusCode()).isEqualTo(404);
	}

	@Test
	void deadLettersAndHistoryShouldBeForOperatorsOnly() throws Exception {
		// they carry payloads and results; a viewer sees the counts in /actuator/prometheus
		assertThat(send("GET", "/actuator/deadletters", null, "grafana:viewer-secret").statusCode()).isEqualTo(403);
		assertThat(send("GET", "/actuator/jobhistory/H:nobody:1", null, "grafana:viewer-secret").statusCode())
			.isEqualTo(403);
		HttpResponse<String> anonymous = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + "/actuator/deadletters")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(anonymous.statusCode()).isEqualTo(401);
	}

	private JsonNode get(String path) throws Exception {
		HttpResponse<String> response = send("GET", path, null);
		assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private String prometheus() throws Exception {
		return send("GET", "/actuator/prometheus", null).body();
	}

	private HttpResponse<String> send(String method, String path, String body) throws Exception {
		return send(method, path, body, "ops:ops-secret");
	}

	private HttpResponse<String> send(String method, String path, String body, String user) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		request.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
				: HttpRequest.BodyPublishers.noBody());
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
