package dev.gearman.server.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.RawConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard of a busy server: 1,000 worker connections and 5,000 functions (each worker registers five), two
 * queued jobs per function. The overview, the functions list (sorted by queue, one page of 50) and the workers list
 * load in under a second in headless Chromium, the first time (a fresh snapshot of the engine is taken for the
 * request) and after; the times are printed.
 */
@TestPropertySource(properties = { "spring.datasource.url=jdbc:h2:mem:dashboard-load;DB_CLOSE_DELAY=-1",
		"gearman.server.max-connections=2000", "gearman.server.max-connections-per-address=0",
		"gearman.dashboard.refresh-interval=1s" })
@DirtiesContext
class DashboardLoadTests extends DashboardTestSupport {

	private static final int WORKERS = 1000;

	private static final int FUNCTIONS_PER_WORKER = 5;

	private final List<RawConnection> connections = new ArrayList<>();

	@AfterEach
	void disconnect() {
		this.connections.forEach(RawConnection::close);
	}

	@Test
	void pagesShouldLoadInUnderASecondWithThousandsOfFunctionsAndWorkers() throws Exception {
		for (int w = 0; w < WORKERS; w++) {
			String[] functions = new String[FUNCTIONS_PER_WORKER];
			for (int f = 0; f < FUNCTIONS_PER_WORKER; f++) {
				functions[f] = "load-" + (w * FUNCTIONS_PER_WORKER + f);
			}
			this.connections.add(RawConnection.worker("127.0.0.1", this.server.port(), "worker-" + w, functions));
		}
		RawConnection client = RawConnection.open("127.0.0.1", this.server.port());
		this.connections.add(client);
		int functions = WORKERS * FUNCTIONS_PER_WORKER;
		for (int from = 0; from < functions; from += 250) {
			// pipelined a batch at a time: every JOB_CREATED of a batch read before the next is sent
			for (int i = from; i < from + 250; i++) {
				for (int copy = 0; copy < 2; copy++) {
					client.send(Packet.requestWithData(PacketType.SUBMIT_JOB_BG, "x".getBytes(StandardCharsets.UTF_8),
							"load-" + i, ""));
				}
			}
			for (int i = 0; i < 500; i++) {
				client.expectSkippingNoop(PacketType.JOB_CREATED);
			}
		}
		assertThat(this.server.engine().snapshot().join().functions()).hasSizeGreaterThanOrEqualTo(functions);

		DashboardBrowser browser = operator();
		List<String> figures = new ArrayList<>();
		for (String page : List.of("/dashboard", "/dashboard/functions?sort=queued", "/dashboard/workers")) {
			// first: the snapshot is too old to be shown (five refresh intervals), so the request waits for a new one
			Thread.sleep(6000);
			long cold = load(browser, page);
			long warm = load(browser, page);
			figures.add(page + " first " + cold + " ms, again " + warm + " ms");
			assertThat(cold).as("%s, first load (ms)", page).isLessThan(1000);
			assertThat(warm).as("%s, again (ms)", page).isLessThan(1000);
		}
		browser.open("/dashboard");
		assertThat(browser.text("#total-workers")).isEqualTo("1,000");
		browser.open("/dashboard/functions?sort=queued");
		assertThat(browser.texts("#functions tbody tr")).hasSize(50);
		assertThat(browser.text(".pager span")).isEqualTo("page 1 of 100 · 5,000 in all");
		HttpResponse<String> api = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + "/dashboard/api/functions"))
				.header("Authorization", "Basic " + Base64.getEncoder()
					.encodeToString((OPERATOR + ":" + OPERATOR_PASSWORD).getBytes(StandardCharsets.UTF_8)))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(api.body()).contains("\"total\":" + functions);
		System.out.println("Dashboard load times with " + WORKERS + " workers and " + functions + " functions: "
				+ String.join("; ", figures));
	}

	/** Opens a page and returns how long it took to load, as the browser measured it (navigation to load end). */
	private static long load(DashboardBrowser browser, String page) {
		browser.open(page);
		Object duration = browser.script(
				"return Math.round(performance.getEntriesByType('navigation')[0].loadEventEnd"
						+ " - performance.getEntriesByType('navigation')[0].startTime);");
		return ((Number) duration).longValue();
	}

}
