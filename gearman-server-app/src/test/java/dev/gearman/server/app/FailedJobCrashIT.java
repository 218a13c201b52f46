package dev.gearman.server.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.RawConnection;
import dev.gearman.server.operations.OperatorText;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Failed jobs against the real executable (JDBC store on embedded H2): jobs waiting for their next attempt survive a
 * restart with their attempts and their due time, and a {@code kill -9} while jobs move to the dead letters leaves
 * each job in exactly one place afterwards: a dead letter, or queued and run again, never lost and never both.
 */
class FailedJobCrashIT {

	private static final Duration WAIT = Duration.ofSeconds(90);

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
	void jobsWaitingToBeRetriedShouldStillWaitAfterARestartAndThenRun() throws Exception {
		assertThat(AppProcesses.JAR).as("the repackaged jar (mvn package)").exists();
		int jobs = 20;
		int port = AppProcesses.freePort();
		Process server = this.apps.start(port, "first.log", dataDir(), "--gearman.server.retry.max-attempts=3",
				"--gearman.server.retry.initial-delay=20s", "--gearman.server.retry.jitter=0");
		try (GearmanClient client = new GearmanClient(GearmanClientSettings.of("127.0.0.1:" + port));
				GearmanWorker failing = new GearmanWorker(GearmanWorkerSettings.of("127.0.0.1:" + port))) {
			failing.register("retry", (job) -> {
				throw new IllegalStateException("first attempt fails");
			});
			failing.start();
			submit(client, "retry", jobs, "waiting-");
			await().atMost(WAIT).until(() -> jobsWithAttempts(port, 1) == jobs);
		}
		// a graceful stop commits what the store holds; the jobs' rows now say: attempt 1 failed, next in 20 s
		server.destroy();
		assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("the app stopped").isTrue();
		long restartedAt = System.nanoTime();
		int newPort = AppProcesses.freePort();
		this.apps.start(newPort, "second.log", dataDir());
		assertThat(jobsWithAttempts(newPort, 1)).as("replayed with their attempts").isEqualTo(jobs);
		Set<String> ran = ConcurrentHashMap.newKeySet();
		try (RawConnection probe = RawConnection.worker("127.0.0.1", newPort, "probe", "retry")) {
			if (System.nanoTime() - restartedAt < TimeUnit.SECONDS.toNanos(10)) {
				probe.send(PacketType.GRAB_JOB);
				probe.expect(PacketType.NO_JOB);
			}
		}
		try (GearmanWorker healthy = new GearmanWorker(GearmanWorkerSettings.of("127.0.0.1:" + newPort))) {
			healthy.register("retry", (job) -> {
				ran.add(job.unique());
				return new byte[0];
			});
			healthy.start();
			await().atMost(WAIT).until(() -> ran.size() == jobs);
		}
		assertThat(ran).allMatch((unique) -> unique.startsWith("waiting-"));
	}

	@Test
	void killDashNineWhileJobsMoveToTheDeadLettersShouldLeaveEachJobInExactlyOnePlace() throws Exception {
		assertThat(AppProcesses.JAR).as("the repackaged jar (mvn package)").exists();
		int jobs = 400;
		int port = AppProcesses.freePort();
		Process server = this.apps.start(port, "first.log", dataDir(), "--gearman.server.retry.max-attempts=1");
		AtomicInteger failed = new AtomicInteger();
		Set<String> acknowledged;
		try (GearmanClient client = new GearmanClient(GearmanClientSettings.of("127.0.0.1:" + port));
				GearmanWorker failing = new GearmanWorker(
						GearmanWorkerSettings.of("127.0.0.1:" + port).withConcurrency(4))) {
			acknowledged = submit(client, "move", jobs, "move-");
			failing.register("move", (job) -> {
				failed.incrementAndGet();
				throw new IllegalStateException("broken");
			});
			failing.start();
			await().atMost(WAIT).until(() -> failed.get() >= jobs / 3);
			// SIGKILL in the middle of the stream of moves: no shutdown hook, no flush
			server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		int newPort = AppProcesses.freePort();
		this.apps.start(newPort, "second.log", dataDir(), "--gearman.server.retry.max-attempts=1");
		Set<String> ranAgain = ConcurrentHashMap.newKeySet();
		try (GearmanWorker healthy = new GearmanWorker(GearmanWorkerSettings.of("127.0.0.1:" + newPort))) {
			healthy.register("move", (job) -> {
				ranAgain.add(job.unique());
				return new byte[0];
			});
			healthy.start();
			await().atMost(WAIT).until(() -> ranAgain.size() + deadLetters(newPort).size() >= jobs);
		}
		List<String> dead = deadLetters(newPort);
		assertThat(new HashSet<>(dead)).as("no job is a dead letter twice").hasSize(dead.size());
		Set<String> both = new HashSet<>(dead);
		both.retainAll(ranAgain);
		assertThat(both).as("no job is both a dead letter and run again").isEmpty();
		Set<String> accounted = new HashSet<>(dead);
		accounted.addAll(ranAgain);
		assertThat(accounted).as("every acknowledged job is a dead letter or ran again").containsAll(acknowledged);
		assertThat(dead).as("the moves committed before the kill").isNotEmpty();
	}

	private String dataDir() {
		return "--gearman.server.data-dir=" + this.dataDir.resolve("data");
	}

	/** Submits background jobs with unique ids and returns the ids whose JOB_CREATED came. */
	private static Set<String> submit(GearmanClient client, String function, int jobs, String prefix)
			throws Exception {
		Set<String> acknowledged = ConcurrentHashMap.newKeySet();
		List<CompletableFuture<?>> submitted = new ArrayList<>();
		for (int i = 0; i < jobs; i++) {
			String unique = prefix + i;
			submitted.add(client.submitBackground(JobRequest.of(function, unique).withUnique(unique))
				.thenRun(() -> acknowledged.add(unique)));
		}
		CompletableFuture.allOf(submitted.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		assertThat(acknowledged).hasSize(jobs);
		return acknowledged;
	}

	/** How many jobs {@code show jobs} lists with this many failed attempts. */
	private static long jobsWithAttempts(int port, int attempts) {
		try (RawConnection admin = RawConnection.open("127.0.0.1", port)) {
			return admin.admin("show jobs", true).lines()
				.filter((line) -> line.split("\t").length > 1 && line.split("\t")[1].equals(String.valueOf(attempts)))
				.count();
		}
	}

	/** The unique ids of every dead letter, paged through the admin protocol. */
	private static List<String> deadLetters(int port) {
		List<String> uniques = new ArrayList<>();
		long after = 0;
		try (RawConnection admin = RawConnection.open("127.0.0.1", port)) {
			while (true) {
				List<StoredDeadLetter> page = admin.admin("dead list * " + after + " 1000", true).lines()
					.filter((line) -> !".".equals(line))
					.map(OperatorText::letter)
					.toList();
				page.forEach((letter) -> uniques.add(letter.unique()));
				if (page.size() < 1000) {
					return uniques;
				}
				after = page.get(page.size() - 1).id();
			}
		}
	}



}
