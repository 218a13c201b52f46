package dev.gearman.server.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.GearmanServerErrorException;
import dev.gearman.server.GearmanServer;
import dev.gearman.tls.TestPki;
import dev.gearman.tls.TestPki.Credentials;
import dev.gearman.tls.TlsTestSupport;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The server app configured as the README's "Securing the server" says, with a TLS-only Gearman port: it starts
 * healthy, serves peers whose certificates the access rules grant, refuses the rest, and counts the refusals in
 * Prometheus.
 */
class ServerAppTlsTests {

	@Test
	void tlsOnlyAppShouldServeGrantedPeersAndCountRefusals(@TempDir Path dir) throws Exception {
		TestPki ca = TestPki.create(dir, "app");
		Credentials server = ca.server("server", "localhost", "127.0.0.1");
		Credentials billing = ca.client("billing", "CN=billing,O=Example");
		Credentials worker = ca.client("worker", "CN=invoice-worker,O=Example");
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(GearmanServerApplication.class).run(
				"--server.port=0", "--gearman.server.port=0", "--gearman.server.address=127.0.0.1",
				"--gearman.server.data-dir=" + dir.resolve("data"), "--gearman.server.shutdown-timeout=0s",
				"--spring.ssl.bundle.pem.gearman.keystore.certificate=file:" + server.certificateFile(),
				"--spring.ssl.bundle.pem.gearman.keystore.private-key=file:" + server.keyFile(),
				"--spring.ssl.bundle.pem.gearman.truststore.certificate=file:" + ca.caFile(),
				"--gearman.server.ssl.bundle=gearman", "--gearman.server.ssl.client-auth=need",
				"--gearman.server.access.rules[0].identity=CN=billing,O=Example",
				"--gearman.server.access.rules[0].submit=invoice.*",
				"--gearman.server.access.rules[1].identity=CN=invoice-worker,O=Example",
				"--gearman.server.access.rules[1].work=invoice.*",
				"--gearman.server.http.users.grafana.password={noop}secret",
				"--gearman.server.http.users.grafana.roles=viewer")) {
			int port = app.getBean(GearmanServer.class).port();
			int httpPort = ((WebServerApplicationContext) app).getWebServer().getPort();
			String address = TlsTestSupport.HOST + ":" + port;
			try (GearmanWorker invoices = new GearmanWorker(GearmanWorkerSettings.of(address)
				.withConnection(TlsTestSupport.connection(ca, worker, true)));
					GearmanClient client = new GearmanClient(GearmanClientSettings.of(address)
						.withConnection(TlsTestSupport.connection(ca, billing, true))
						.withDefaultTimeout(Duration.ofSeconds(10)));
					GearmanClient stranger = new GearmanClient(GearmanClientSettings.of(address)
						.withConnection(TlsTestSupport.connection(ca, null, true))
						.withDefaultTimeout(Duration.ofSeconds(5)))) {
				invoices.register("invoice.render", (job) -> ("rendered " + job.payloadAsString()).getBytes());
				invoices.start();
				assertThat(client.submit("invoice.render", "42").get(10, TimeUnit.SECONDS)).isEqualTo("rendered 42");
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> client.submit("payroll.run", "x").get(10, TimeUnit.SECONDS))
					.withCauseInstanceOf(GearmanServerErrorException.class);
				// without a certificate the handshake is refused: the job never reaches the server
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> stranger.submit("invoice.render", "x").get(10, TimeUnit.SECONDS));
			}
			HttpClient http = HttpClient.newHttpClient();
			HttpResponse<String> health = http.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/health"))
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(health.body()).contains("\"status\":\"UP\"");
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				String prometheus = http.send(HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus"))
					.header("Authorization",
							"Basic " + Base64.getEncoder()
								.encodeToString("grafana:secret".getBytes(StandardCharsets.UTF_8)))
					.build(), HttpResponse.BodyHandlers.ofString()).body();
				assertThat(ServerAppActuatorTests.metric(prometheus, "gearman_server_access_denied_total", "action",
						"submit")).isEqualTo(1.0);
			});
		}
	}

}
