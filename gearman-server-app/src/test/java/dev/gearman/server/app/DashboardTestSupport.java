package dev.gearman.server.app;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * One running server app for the dashboard's tests (the test classes share it: same configuration, one context):
 * its JDBC store on an in-memory H2, a viewer and an operator, retries with a backoff of an hour (a failed job waits
 * until an operator runs it now) and dead letters, job history, pages that refresh every half second. Each test
 * gets its own real peers and function names, and looks at what changes, not at totals other tests add to.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "gearman.server.port=0", "gearman.server.address=127.0.0.1",
				"gearman.server.handle-prefix=H:dash", "gearman.server.shutdown-timeout=2s",
				"spring.datasource.url=jdbc:h2:mem:dashboard-tests;DB_CLOSE_DELAY=-1",
				"gearman.server.retry.max-attempts=2", "gearman.server.retry.initial-delay=1h",
				"gearman.server.retry.jitter=0", "gearman.server.history.enabled=true",
				"gearman.dashboard.refresh-interval=500ms", "gearman.dashboard.sample-interval=1s",
				"gearman.server.http.users.ops.password={noop}ops-secret",
				"gearman.server.http.users.ops.roles=operator",
				"gearman.server.http.users.grafana.password={noop}viewer-secret",
				"gearman.server.http.users.grafana.roles=viewer" })
abstract class DashboardTestSupport {

	static final String OPERATOR = "ops";

	static final String OPERATOR_PASSWORD = "ops-secret";

	static final String VIEWER = "grafana";

	static final String VIEWER_PASSWORD = "viewer-secret";

	private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

	private static final AtomicInteger names = new AtomicInteger();

	@LocalServerPort
	int httpPort;

	@Autowired
	GearmanServer server;

	@TempDir
	Path dir;

	DashboardPeers peers;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void peers() {
		this.peers = new DashboardPeers(this.server.port(), this.dir);
		this.closeables.add(this.peers);
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	/** A function name no other test uses. */
	static String function(String prefix) {
		return prefix + "-" + RUN + "-" + names.incrementAndGet();
	}

	DashboardBrowser operator() throws IOException {
		return browser(OPERATOR, OPERATOR_PASSWORD);
	}

	DashboardBrowser viewer() throws IOException {
		return browser(VIEWER, VIEWER_PASSWORD);
	}

	private DashboardBrowser browser(String user, String password) throws IOException {
		DashboardBrowser browser = DashboardBrowser.signedIn(this.httpPort, user, password);
		this.closeables.add(browser);
		return browser;
	}

	/** What the engine says of a function now, straight from the server (not through the dashboard). */
	EngineSnapshot.FunctionStatus status(String function) {
		return this.server.engine()
			.snapshot()
			.join()
			.functions()
			.stream()
			.filter((f) -> f.name().equals(function))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no function " + function));
	}

	/** A row of the functions page, as a CSS selector. */
	static String row(String function) {
		return "tr[data-function='" + function + "']";
	}

}
