package dev.gearman.server.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.server.GearmanServer;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the app drains the job server: readiness answers OUT_OF_SERVICE over HTTP while a running job finishes,
 * and the job's client still gets its result.
 */
class ServerAppShutdownTests {

	@Test
	void readinessShouldBeOutOfServiceWhileTheServerDrains(@TempDir Path dataDir) throws Exception {
		ConfigurableApplicationContext app = new SpringApplicationBuilder(GearmanServerApplication.class).run(
				"--server.port=0", "--gearman.server.port=0", "--gearman.server.address=127.0.0.1",
				"--gearman.server.shutdown-timeout=20s", "--gearman.server.data-dir=" + dataDir);
		HttpClient http = HttpClient.newHttpClient();
		int httpPort = ((WebServerApplicationContext) app).getWebServer().getPort();
		GearmanServer server = app.getBean(GearmanServer.class);
		String gearman = "127.0.0.1:" + server.port();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (GearmanWorker worker = new GearmanWorker(GearmanWorkerSettings.of(gearman));
				GearmanClient client = new GearmanClient(GearmanClientSettings.of(gearman))) {
			worker.register("slow", (job) -> {
				started.countDown();
				release.await(30, TimeUnit.SECONDS);
				return "finished".getBytes();
			});
			worker.start();
			CompletableFuture<String> result = client.submit("slow", "x");
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(readiness(http, httpPort).statusCode()).isEqualTo(200);

			CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> server.state() == GearmanServer.State.DRAINING);
			HttpResponse<String> draining = readiness(http, httpPort);
			assertThat(draining.statusCode()).isEqualTo(503);
			assertThat(draining.body()).contains("OUT_OF_SERVICE");
			assertThat(closing).isNotDone();

			release.countDown();
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("finished");
			closing.get(20, TimeUnit.SECONDS);
			assertThat(server.state()).isEqualTo(GearmanServer.State.STOPPED);
		}
		finally {
			release.countDown();
			app.close();
		}
	}

	private static HttpResponse<String> readiness(HttpClient http, int port) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

}
