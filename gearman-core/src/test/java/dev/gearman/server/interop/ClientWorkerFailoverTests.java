package dev.gearman.server.interop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.gearman.client.GearmanClient;
import dev.gearman.connection.GearmanConnectionException;
import dev.gearman.worker.GearmanWorker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job server dies and comes back in the middle of a stream of jobs: the client moves on to the second server,
 * jobs that were running on the dead one fail promptly with a connection exception, and the worker reconnects,
 * registers again and keeps working.
 */
class ClientWorkerFailoverTests extends ClientWorkerTestSupport {

	private static final int BATCHES = 30;

	private static final int BATCH = 10;

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void streamSurvivesARestartOfOneOfTwoServers(ServerKind kind) {
		TestJobServer first = ownServer(kind);
		TestJobServer second = ownServer(kind);
		String function = Peers.uniqueFunction("failover");
		GearmanWorker worker = worker(4, first, second);
		worker.register(function, (job) -> ("done:" + job.payloadAsString()).getBytes());
		worker.start();
		awaitWorkers(first, function, 1);
		awaitWorkers(second, function, 1);
		GearmanClient client = client(first, second);
		int connectionFailures = 0;
		Map<String, String> results = new LinkedHashMap<>();
		for (int batch = 0; batch < BATCHES; batch++) {
			List<String> pending = new ArrayList<>();
			for (int i = 0; i < BATCH; i++) {
				pending.add("job-" + batch + "-" + i);
			}
			// a stream: every batch in flight at once, the kill lands while one is
			int attempts = 0;
			while (!pending.isEmpty()) {
				assertThat(++attempts).as("attempts for batch %d", batch).isLessThan(5);
				List<CompletableFuture<String>> futures = new ArrayList<>();
				for (String payload : pending) {
					futures.add(client.submit(function, payload));
				}
				if (batch == 10 && attempts == 1) {
					first.kill();
				}
				if (batch == 20 && attempts == 1) {
					first.restart();
				}
				List<String> retry = new ArrayList<>();
				for (int i = 0; i < futures.size(); i++) {
					try {
						results.put(pending.get(i), get(futures.get(i)));
					}
					catch (AssertionError ex) {
						// only a job that was running on the lost server may fail, and only with a connection error
						assertThat(ex.getCause()).as("failure of %s; %s", pending.get(i),
								describe(worker, function, first, second))
							.isInstanceOf(GearmanConnectionException.class);
						connectionFailures++;
						retry.add(pending.get(i));
					}
				}
				pending = retry;
			}
		}
		assertThat(results).hasSize(BATCHES * BATCH);
		results.forEach((payload, result) -> assertThat(result).isEqualTo("done:" + payload));
		assertThat(connectionFailures).isLessThanOrEqualTo(BATCH);
		// the worker is back on the restarted server and serves a client that knows only that one
		awaitWorkers(first, function, 1);
		GearmanClient onlyFirst = client(first);
		assertThat(get(onlyFirst.submit(function, "after-restart"))).isEqualTo("done:after-restart");
		awaitConnected(worker);
	}

	/** What the servers and the worker hold, for the message of a failure. */
	private String describe(GearmanWorker worker, String function, TestJobServer... servers) {
		StringBuilder text = new StringBuilder("worker in flight " + worker.inFlight() + ", connected "
				+ worker.connectivity());
		for (TestJobServer server : servers) {
			try (Peers admin = new Peers(server.port(), this.dir)) {
				text.append("\n").append(server).append(": status ").append(admin.status(function).orElse("-"))
					.append("\nworkers:\n").append(admin.admin("workers", true));
			}
			catch (RuntimeException | AssertionError ex) {
				text.append("\n").append(server).append(": ").append(ex);
			}
		}
		return text.toString();
	}

}
