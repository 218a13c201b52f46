package dev.gearman.server.interop;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.connection.ConnectionSettings;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;

/**
 * Base of the client/worker scenario tests: every scenario is a {@code @ParameterizedTest} over
 * {@link ServerKind}, so the same code runs against gearmand and against our server. One server of each kind is
 * shared by the tests of a class (each test uses function names of its own); clients, workers, peers and extra
 * servers a test makes are closed after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ClientWorkerTestSupport {

	protected static final Duration WAIT = Duration.ofSeconds(20);

	/** Reconnects fast, so that restart scenarios stay short. */
	protected static final ConnectionSettings FAST_RECONNECT = new ConnectionSettings(Duration.ofSeconds(2),
			Duration.ofMillis(50), Duration.ofMillis(400), ConnectionSettings.DEFAULTS.maxPacketSize());

	private final Map<ServerKind, TestJobServer> shared = new EnumMap<>(ServerKind.class);

	private final Deque<AutoCloseable> resources = new ArrayDeque<>();

	@TempDir
	protected Path dir;

	/** The server of this kind shared by the tests of the class. */
	protected TestJobServer server(ServerKind kind) {
		return this.shared.computeIfAbsent(kind, ServerKind::start);
	}

	/** A server of its own for one test, e.g. one it restarts. */
	protected TestJobServer ownServer(ServerKind kind) {
		return closeAfter(kind.start());
	}

	protected GearmanClient client(TestJobServer... servers) {
		return client(GearmanClientSettings.of(addresses(servers)).withConnection(FAST_RECONNECT));
	}

	protected GearmanClient client(GearmanClientSettings settings) {
		return closeAfter(new GearmanClient(settings));
	}

	/** A worker (not started) with the given overall concurrency. */
	protected GearmanWorker worker(int concurrency, TestJobServer... servers) {
		return worker(GearmanWorkerSettings.of(addresses(servers)).withConcurrency(concurrency)
			.withConnection(FAST_RECONNECT));
	}

	protected GearmanWorker worker(GearmanWorkerSettings settings) {
		GearmanWorker worker = new GearmanWorker(settings);
		this.resources.push(() -> worker.stop(Duration.ofSeconds(1)));
		return worker;
	}

	protected Peers peers(TestJobServer server) {
		return closeAfter(new Peers(server.port(), this.dir));
	}

	/** Waits until the server lists {@code workers} workers for the function. */
	protected void awaitWorkers(TestJobServer server, String function, int workers) {
		try (Peers admin = new Peers(server.port(), this.dir)) {
			admin.awaitWorkers(function, workers);
		}
	}

	/** Waits until the server's {@code status} line of the function reads as given. */
	protected void awaitStatus(TestJobServer server, String function, int total, int running, int workers) {
		try (Peers admin = new Peers(server.port(), this.dir)) {
			admin.awaitStatus(function, total, running, workers);
		}
	}

	protected static void awaitConnected(GearmanWorker worker) {
		await("worker connected").atMost(WAIT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> worker.connectivity().values().stream().allMatch(Boolean::booleanValue));
	}

	/** The value of a future, failing the test after {@link #WAIT}. */
	protected static <T> T get(CompletableFuture<T> future) {
		try {
			return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new AssertionError("future failed: " + ex.getCause(), ex.getCause());
		}
		catch (Exception ex) {
			throw new AssertionError("future did not complete within " + WAIT + ": " + ex, ex);
		}
	}

	/** The exception a future failed with, failing the test if it succeeded or did not end in time. */
	protected static Throwable failure(CompletableFuture<?> future) {
		try {
			Object value = future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			throw new AssertionError("expected a failure, got " + value);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (Exception ex) {
			throw new AssertionError("future did not complete within " + WAIT + ": " + ex, ex);
		}
	}

	protected <T extends AutoCloseable> T closeAfter(T resource) {
		this.resources.push(resource);
		return resource;
	}

	private static String[] addresses(TestJobServer... servers) {
		String[] addresses = new String[servers.length];
		for (int i = 0; i < servers.length; i++) {
			addresses[i] = servers[i].address();
		}
		return addresses;
	}

	@AfterEach
	protected void closeResources() {
		while (!this.resources.isEmpty()) {
			try {
				this.resources.pop().close();
			}
			catch (Exception ex) {
				// keep closing the others
			}
		}
	}

	@AfterAll
	protected void stopServers() {
		this.shared.values().forEach(TestJobServer::close);
		this.shared.clear();
	}

}
