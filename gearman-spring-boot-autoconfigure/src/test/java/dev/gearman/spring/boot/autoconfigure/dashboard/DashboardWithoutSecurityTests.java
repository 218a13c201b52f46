package dev.gearman.spring.boot.autoconfigure.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in an application without Spring Security, served by a real Tomcat: every page reads, nobody is an
 * operator, so there are no buttons, unique ids and payloads stay hidden, and a post is refused by the dashboard
 * itself (403), whatever page or script sends it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gearman.server.enabled=true", "gearman.server.port=0", "gearman.server.store.type=memory",
				"gearman.server.shutdown-timeout=0s" })
class DashboardWithoutSecurityTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private GearmanServer server;

	@Test
	void everyPageShouldReadWithoutButtonsOrHiddenValues() throws Exception {
		String handle;
		try (RawConnection client = RawConnection.open("127.0.0.1", this.server.port())) {
			client.sendData(PacketType.SUBMIT_JOB_BG, "<b>secret</b>", "resize", "customer-4711");
			handle = client.expect(PacketType.JOB_CREATED).arg(0);
		}
		for (String page : new String[] { "/dashboard", "/dashboard/functions", "/dashboard/workers",
				"/dashboard/jobs?function=resize", "/dashboard/retrying", "/dashboard/scheduled", "/dashboard/dead",
				"/dashboard/job?id=" + handle, "/dashboard/login" }) {
			HttpResponse<String> response = get(page);
			assertThat(response.statusCode()).as("GET %s", page).isEqualTo(200);
			assertThat(response.body()).as("GET %s", page)
				.doesNotContain("method=\"post\" action=\"/dashboard/actions")
				.doesNotContain("customer-4711")
				.doesNotContain("secret");
		}
		assertThat(get("/dashboard/job?id=" + handle).body()).contains("******")
			.contains("Payloads are shown to operators only.");
		assertThat(get("/dashboard/assets/dashboard.js").statusCode()).isEqualTo(200);
		assertThat(get("/dashboard/job?id=nothing").statusCode()).isEqualTo(404);
	}

	@Test
	void postsShouldBeRefusedByTheDashboardItself() throws Exception {
		try (RawConnection client = RawConnection.open("127.0.0.1", this.server.port())) {
			client.sendData(PacketType.SUBMIT_JOB_BG, "x", "mail", "");
			client.expect(PacketType.JOB_CREATED);
		}
		HttpResponse<String> button = post("/dashboard/actions/pause", "function=mail&paused=true");
		assertThat(button.statusCode()).isEqualTo(403);
		assertThat(button.body()).contains("only operators may do this");
		HttpResponse<String> api = post("/dashboard/api/functions/pause?function=mail", "");
		assertThat(api.statusCode()).isEqualTo(403);
		assertThat(api.body()).contains("\"error\":\"OPERATORS_ONLY\"");
		assertThat(this.server.engine().snapshot().join().functions()).noneMatch((f) -> f.paused());
		assertThat(get("/dashboard/api/job?id=nothing").body()).contains("\"error\":\"NOT_FOUND\"");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String form) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
