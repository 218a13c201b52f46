package dev.gearman.server.app;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.server.GearmanServer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server app's HTTP side with real requests against the running app, as anonymous, viewer and operator: the
 * health status answers everyone and its details only users; metrics, loggers and {@code /actuator/gearman} need a
 * user, and the gearman report hides unique ids and client ids from viewers; changing a logger's level needs the
 * operator; a wrong password is refused; and the web server listens on loopback only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gearman.server.port=0", "gearman.server.address=127.0.0.1",
				"gearman.server.http.users.grafana.password={noop}viewer-secret",
				"gearman.server.http.users.grafana.roles=viewer",
				"gearman.server.http.users.ops.roles=operator" })
@DirtiesContext
class ServerAppHttpSecurityTests {

	private static final String VIEWER = "grafana:viewer-secret";

	private static final String OPERATOR = "ops:operator-secret";

	@TempDir
	static Path dataDir;

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int httpPort;

	@Autowired
	private GearmanServer server;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + dataDir.resolve("gearman").toAbsolutePath()
				+ ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
		// the operator's password as operators should give it: a bcrypt hash
		registry.add("gearman.server.http.users.ops.password",
				() -> "{bcrypt}" + new BCryptPasswordEncoder(4).encode("operator-secret"));
	}

	@BeforeEach
	void queueAJobWithAUniqueId() throws Exception {
		try (GearmanClient client = new GearmanClient(
				GearmanClientSettings.of("127.0.0.1:" + this.server.port()).withClientId("billing-app"))) {
			client.submitBackground(JobRequest.of("invoice", "x").withUnique("customer-4711"))
				.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void healthStatusShouldAnswerEveryoneAndItsDetailsOnlyUsers() throws Exception {
		HttpResponse<String> anonymous = get("/actuator/health", null);
		assertThat(anonymous.statusCode()).isEqualTo(200);
		assertThat(anonymous.body()).contains("\"status\":\"UP\"").doesNotContain("gearmanStore");
		assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/gearmanStore", null).body()).doesNotContain("details");

		assertThat(get("/actuator/health", VIEWER).body()).contains("gearmanStore").contains("details");
		assertThat(get("/actuator/health", OPERATOR).body()).contains("gearmanStore").contains("details");
	}

	@Test
	void readOnlyEndpointsShouldNeedAViewerOrAnOperator() throws Exception {
		for (String path : new String[] { "/actuator", "/actuator/prometheus", "/actuator/gearman",
				"/actuator/loggers" }) {
			assertThat(get(path, null).statusCode()).as("anonymous GET %s", path).isEqualTo(401);
			assertThat(get(path, "grafana:wrong").statusCode()).as("wrong password, GET %s", path).isEqualTo(401);
			assertThat(get(path, VIEWER).statusCode()).as("viewer GET %s", path).isEqualTo(200);
			assertThat(get(path, OPERATOR).statusCode()).as("operator GET %s", path).isEqualTo(200);
		}
	}

	@Test
	void uniqueIdsAndClientIdsShouldBeShownToOperatorsOnly() throws Exception {
		String viewer = get("/actuator/gearman", VIEWER).body();
		assertThat(viewer).contains("\"function\":\"invoice\"")
			.contains("\"unique\":\"******\"")
			.doesNotContain("customer-4711");
		String operator = get("/actuator/gearman", OPERATOR).body();
		assertThat(operator).contains("\"unique\":\"customer-4711\"");
	}

	@Test
	void changingStateShouldNeedAnOperator() throws Exception {
		String level = "{\"configuredLevel\":\"DEBUG\"}";
		assertThat(post("/actuator/loggers/dev.gearman.example", level, null).statusCode()).isEqualTo(401);
		assertThat(post("/actuator/loggers/dev.gearman.example", level, VIEWER).statusCode()).isEqualTo(403);
		assertThat(get("/actuator/loggers/dev.gearman.example", VIEWER).body()).doesNotContain("\"DEBUG\"");
		assertThat(post("/actuator/loggers/dev.gearman.example", level, OPERATOR).statusCode()).isEqualTo(204);
		assertThat(get("/actuator/loggers/dev.gearman.example", VIEWER).body())
			.contains("\"configuredLevel\":\"DEBUG\"");
	}

	@Test
	void httpShouldListenOnLoopbackOnly() throws Exception {
		Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces())
			.stream()
			.flatMap((nic) -> Collections.list(nic.getInetAddresses()).stream())
			.filter((address) -> address instanceof Inet4Address && !address.isLoopbackAddress())
			.findFirst();
		assumeTrue(external.isPresent(), "this machine has an address other than loopback");
		try (Socket socket = new Socket()) {
			assertThat(canConnect(socket, new InetSocketAddress(external.get(), this.httpPort))).as(
					"connection to %s:%d", external.get(), this.httpPort).isFalse();
		}
		try (Socket socket = new Socket()) {
			assertThat(canConnect(socket, new InetSocketAddress("127.0.0.1", this.httpPort))).isTrue();
		}
	}

	private static boolean canConnect(Socket socket, InetSocketAddress address) {
		try {
			socket.connect(address, 2_000);
			return true;
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

	private HttpResponse<String> get(String path, @Nullable String credentials) throws Exception {
		return send(request(path, credentials).GET());
	}

	private HttpResponse<String> post(String path, String json, @Nullable String credentials) throws Exception {
		return send(request(path, credentials).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json)));
	}

	private HttpRequest.Builder request(String path, @Nullable String credentials) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path))
			.timeout(Duration.ofSeconds(10));
		if (credentials != null) {
			builder.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return builder;
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
