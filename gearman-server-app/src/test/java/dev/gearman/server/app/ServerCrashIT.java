package dev.gearman.server.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The durability contract against the real executable: clients pipeline background submissions into the server
 * app jar (JDBC store, embedded H2), the process is killed with SIGKILL mid-stream or just after the last
 * acknowledgement, and after a restart on the same database every job whose JOB_CREATED reached a client runs,
 * whether the app built the database URL or the user wrote it.
 */
class ServerCrashIT {

	@TempDir
	Path dataDir;

	private AppProcesses apps;

	@BeforeEach
	void createApps() {
		this.apps = new AppProcesses(this.dataDir);
	}

	@AfterEach
	void killServers() {
		this.apps.close();
	}

	@Test
	void everyAcknowledgedJobRunsAfterKillDashNine() throws Exception {
		assertThat(AppProcesses.JAR).as("the repackaged jar (mvn package)").exists();
		int port = AppProcesses.freePort();
		Process server = this.apps.start(port, "first.log", dataDirArgument());
		Set<String> acknowledged = ConcurrentHashMap.newKeySet();
		AtomicBoolean submitting = new AtomicBoolean(true);
		List<Thread> clients = new ArrayList<>();
		for (int c = 0; c < 3; c++) {
			int clientNumber = c;
			Thread thread = new Thread(() -> submitUntilKilled(port, "c" + clientNumber, acknowledged, submitting));
			thread.start();
			clients.add(thread);
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (acknowledged.size() < 1500) {
			assertThat(System.nanoTime()).as("acknowledged before the kill: %d", acknowledged.size())
				.isLessThan(deadline);
			Thread.sleep(10);
		}
		// SIGKILL while the clients keep submitting: no shutdown hook, no flush
		server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		submitting.set(false);
		for (Thread thread : clients) {
			thread.join(30_000);
		}
		Set<String> mustRun = Set.copyOf(acknowledged);

		assertAllRunAfterRestart(mustRun, dataDirArgument());
	}

	@Test
	void acknowledgedJobsSurviveKillDashNineWithAUserWrittenH2Url() throws Exception {
		// a plain URL as a user writes it, without the WRITE_DELAY=0 the app adds to the one it builds: H2 then
		// wrote commits to its file up to 500 ms late, and a kill -9 200 ms after the last JOB_CREATED lost 1,500
		// of 2,000 acknowledged jobs; the store itself must make its commits durable
		assertThat(AppProcesses.JAR).as("the repackaged jar (mvn package)").exists();
		String url = "--spring.datasource.url=jdbc:h2:file:" + this.dataDir.resolve("user-db").resolve("gearman");
		int port = AppProcesses.freePort();
		Process server = this.apps.start(port, "first.log", url);
		int jobs = 2000;
		Set<String> acknowledged = ConcurrentHashMap.newKeySet();
		try (GearmanClient client = new GearmanClient(GearmanClientSettings.of("127.0.0.1:" + port))) {
			List<CompletableFuture<?>> submitted = new ArrayList<>();
			for (int i = 0; i < jobs; i++) {
				String unique = "user-url-" + i;
				submitted.add(client.submitBackground(JobRequest.of("crash", unique).withUnique(unique))
					.thenRun(() -> acknowledged.add(unique)));
			}
			CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		}
		assertThat(acknowledged).hasSize(jobs);
		// long enough for a commit to get written in the background, shorter than H2's default 500 ms delay
		Thread.sleep(200);
		server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		assertAllRunAfterRestart(Set.copyOf(acknowledged), url);
	}

	private String dataDirArgument() {
		return "--gearman.server.data-dir=" + this.dataDir.resolve("data");
	}

	/** Restarts the app on the same database and waits until every acknowledged job ran once more. */
	private void assertAllRunAfterRestart(Set<String> mustRun, String databaseArgument) throws Exception {
		int newPort = AppProcesses.freePort();
		this.apps.start(newPort, "second.log", databaseArgument);
		Set<String> ran = ConcurrentHashMap.newKeySet();
		try (GearmanWorker worker = new GearmanWorker(
				GearmanWorkerSettings.of("127.0.0.1:" + newPort).withConcurrency(8))) {
			worker.register("crash", (job) -> {
				ran.add(job.unique());
				return new byte[0];
			});
			worker.start();
			long runDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
			while (!ran.containsAll(mustRun)) {
				if (System.nanoTime() > runDeadline) {
					Set<String> lost = new java.util.HashSet<>(mustRun);
					lost.removeAll(ran);
					fail(lost.size() + " of " + mustRun.size() + " acknowledged jobs never ran after the crash, e.g. "
							+ lost.stream().limit(5).toList());
				}
				Thread.sleep(50);
			}
		}
		assertThat(ran).containsAll(mustRun);
	}

	private static void submitUntilKilled(int port, String prefix, Set<String> acknowledged, AtomicBoolean submitting) {
		Semaphore window = new Semaphore(100);
		try (GearmanClient client = new GearmanClient(GearmanClientSettings.of("127.0.0.1:" + port))) {
			for (int i = 0; submitting.get(); i++) {
				if (!window.tryAcquire(5, TimeUnit.SECONDS)) {
					// the server is gone and pending submissions wait for their timeouts
					continue;
				}
				String unique = prefix + "-" + i;
				client.submitBackground(JobRequest.of("crash", unique).withUnique(unique))
					.whenComplete((handle, failure) -> {
						if (failure == null) {
							acknowledged.add(unique);
						}
						window.release();
					});
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}



}
