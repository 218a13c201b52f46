package dev.gearman.samples.crawler;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.client.JobListener;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's WORK_STATUS reports and the REST endpoints' answers, without a browser.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@EmbeddedGearmanServer
class CrawlerApiTests {

	@Autowired
	private GearmanTemplate gearman;

	@LocalServerPort
	private int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private TestSite site;

	@BeforeEach
	void start() throws IOException {
		this.site = new TestSite();
		this.site.openGate();
	}

	@AfterEach
	void stop() {
		this.site.close();
	}

	@Test
	void workerShouldReportStatusAfterEachUrl() {
		List<String> statuses = new CopyOnWriteArrayList<>();
		JobListener listener = new JobListener() {

			@Override
			public void onStatus(long numerator, long denominator) {
				statuses.add(numerator + "/" + denominator);
			}

		};
		Integer fetched = this.gearman.call("crawl",
				new CrawlRequest(List.of(this.site.url("/a"), this.site.url("/b"), this.site.url("/c"))),
				Integer.class, listener);
		assertThat(fetched).isEqualTo(3);
		assertThat(statuses).containsExactly("0/3", "1/3", "2/3", "3/3");
	}

	@Test
	void unreachableUrlShouldBeReportedNotFailTheCrawl() throws Exception {
		// A port that was free a moment ago: nothing listens there.
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		String body = post("{\"urls\":[\"http://127.0.0.1:" + closed + "/\",\"" + this.site.url("/a") + "\"]}")
			.body();
		String id = body.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1");
		String status = await().atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> get("/api/crawls/" + id).body(), (answer) -> answer.contains("\"state\":\"done\""));
		assertThat(status).contains("\"state\":\"done\"", "\"done\":2", "\"total\":2", "ConnectException",
				"\"title\":\"Page A\"");
	}

	@Test
	void badRequestsShouldBeRefusedWithAReason() throws Exception {
		HttpResponse<String> empty = post("{\"urls\":[]}");
		assertThat(empty.statusCode()).isEqualTo(400);
		assertThat(empty.body()).contains("no URLs to crawl");
		HttpResponse<String> ftp = post("{\"urls\":[\"ftp://127.0.0.1/x\"]}");
		assertThat(ftp.statusCode()).isEqualTo(400);
		assertThat(ftp.body()).contains("not an http(s) URL: ftp://127.0.0.1/x");
	}

	@Test
	void unknownCrawlShouldSaySo() throws Exception {
		assertThat(get("/api/crawls/no-such-crawl").body()).contains("\"state\":\"unknown\"");
	}

	private HttpResponse<String> post(String json) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/api/crawls"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
