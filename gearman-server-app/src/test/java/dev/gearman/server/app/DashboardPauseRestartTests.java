package dev.gearman.server.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A function an operator paused from the dashboard stays paused across a restart of the server app on its default
 * store (H2 in the data directory): its stored jobs come back queued, a worker that asks gets none of them, and they
 * run once it is resumed.
 */
class DashboardPauseRestartTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path dataDir;

	@Test
	void pausedFunctionShouldStayPausedAfterARestartUntilResumed() throws Exception {
		try (ConfigurableApplicationContext first = start()) {
			assertThat(act(first, "/dashboard/api/functions/pause?function=nightly").statusCode()).isEqualTo(200);
			try (DashboardPeers peers = new DashboardPeers(gearmanPort(first), this.dataDir)) {
				assertThat(peers.submit("nightly", 2, "backup")).hasSize(2);
			}
		}
		try (ConfigurableApplicationContext second = start();
				DashboardPeers peers = new DashboardPeers(gearmanPort(second), this.dataDir)) {
			JsonNode row = function(second, "nightly");
			assertThat(row.get("paused").asBoolean()).as("paused after the restart").isTrue();
			assertThat(row.get("queuedNormal").asInt()).isEqualTo(2);
			Process worker = peers.cliWorker("nightly", "cat");
			// the worker asked, got nothing and sleeps: nothing was handed out
			await().atMost(WAIT).until(() -> sleepingWorkers(second, "nightly") == 1);
			assertThat(function(second, "nightly").get("queuedNormal").asInt()).isEqualTo(2);
			assertThat(act(second, "/dashboard/api/functions/resume?function=nightly").statusCode()).isEqualTo(200);
			await().atMost(WAIT).until(() -> function(second, "nightly").get("queuedNormal").asInt() == 0
					&& function(second, "nightly").get("completed").asInt() == 2);
			assertThat(worker.isAlive()).isTrue();
		}
		try (ConfigurableApplicationContext third = start()) {
			// resumed for good: with no job and no worker the function is not even known any more
			assertThat(this.json.readTree(get(third, "/dashboard/api/functions?filter=nightly").body()).get("items"))
				.isEmpty();
			assertThat(third.getBean(dev.gearman.server.GearmanServer.class).engine().snapshot().join().functions())
				.noneMatch((f) -> f.paused());
		}
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(GearmanServerApplication.class).run("--gearman.server.address=127.0.0.1",
				"--gearman.server.port=0", "--server.port=0", "--gearman.server.data-dir=" + this.dataDir,
				"--gearman.dashboard.refresh-interval=100ms",
				"--gearman.server.http.users.ops.password={noop}ops-secret",
				"--gearman.server.http.users.ops.roles=operator");
	}

	/** The function's row in the dashboard's JSON API, once the shared snapshot has it. */
	private JsonNode function(ConfigurableApplicationContext context, String name) throws Exception {
		return await().atMost(WAIT).until(() -> {
			JsonNode items = this.json.readTree(get(context, "/dashboard/api/functions?filter=" + name).body())
				.get("items");
			return (items.isEmpty()) ? null : items.get(0);
		}, (row) -> row != null);
	}

	private long sleepingWorkers(ConfigurableApplicationContext context, String function) throws Exception {
		JsonNode workers = this.json.readTree(get(context, "/dashboard/api/workers").body()).get("items");
		long sleeping = 0;
		for (JsonNode worker : workers) {
			if (worker.get("sleeping").asBoolean() && worker.get("functions").toString().contains("\"" + function)) {
				sleeping++;
			}
		}
		return sleeping;
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(context, path)).header("Authorization", basic()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** A post as a script makes it: the CSRF token from the cookie of any page, sent back as a header. */
	private HttpResponse<String> act(ConfigurableApplicationContext context, String path) throws Exception {
		List<String> cookies = get(context, "/dashboard").headers().allValues("Set-Cookie");
		String token = cookies.stream()
			.filter((cookie) -> cookie.startsWith("XSRF-TOKEN="))
			.map((cookie) -> cookie.substring("XSRF-TOKEN=".length(), cookie.indexOf(';')))
			.findFirst()
			.orElseThrow();
		return this.http.send(HttpRequest.newBuilder(uri(context, path))
			.header("Authorization", basic())
			.header("Cookie", "XSRF-TOKEN=" + token)
			.header("X-XSRF-TOKEN", token)
			.POST(HttpRequest.BodyPublishers.noBody())
			.timeout(WAIT)
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + path);
	}

	private static int gearmanPort(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.gearman.port"));
	}

	private static String basic() {
		return "Basic " + Base64.getEncoder().encodeToString("ops:ops-secret".getBytes(StandardCharsets.UTF_8));
	}

}
