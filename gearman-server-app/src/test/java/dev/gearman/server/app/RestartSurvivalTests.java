package dev.gearman.server.app;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobRequest;
import dev.gearman.server.store.StoredJob;
import dev.gearman.server.store.jdbc.QueueSchema;
import dev.gearman.server.store.jdbc.QueueSchemaFixtures;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server app with its defaults (JDBC store on an embedded H2 file database in the data directory): background
 * jobs of every priority and an epoch job, queued with no worker, survive a stop and start and then run in
 * priority order, FIFO within a priority, the epoch job not before its time; and jobs of a data directory the app
 * made before the store kept its own schema history run after the upgrade.
 */
class RestartSurvivalTests {

	@TempDir
	Path dataDir;

	@Test
	void queuedJobsSurviveARestartAndRunInOrderAndOnTime() throws Exception {
		Instant epoch;
		try (ConfigurableApplicationContext first = start()) {
			try (GearmanClient client = client(first)) {
				// interleaved priorities: the order after the restart must come from the priority and sequence
				for (String name : List.of("low-1", "normal-1", "high-1", "low-2", "normal-2", "high-2", "low-3",
						"normal-3", "high-3")) {
					JobPriority priority = JobPriority.valueOf(name.substring(0, name.indexOf('-')).toUpperCase());
					client.submitBackground(JobRequest.of("ordered", name).withUnique(name).withPriority(priority))
						.get(30, TimeUnit.SECONDS);
				}
				epoch = Instant.now().plusSeconds(12).truncatedTo(ChronoUnit.SECONDS);
				client.submitBackground(JobRequest.of("ordered", "epoch").withUnique("epoch").withRunAt(epoch))
					.get(30, TimeUnit.SECONDS);
			}
		}
		assertThat(this.dataDir.resolve("gearman.mv.db")).exists();
		List<String> ran = new CopyOnWriteArrayList<>();
		Map<String, Instant> ranAt = new ConcurrentHashMap<>();
		try (ConfigurableApplicationContext second = start()) {
			try (GearmanWorker worker = new GearmanWorker(
					GearmanWorkerSettings.of(address(second)).withConcurrency(1))) {
				worker.register("ordered", (job) -> {
					ran.add(job.payloadAsString());
					ranAt.put(job.payloadAsString(), Instant.now());
					return new byte[0];
				});
				worker.start();
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
				while (ran.size() < 10) {
					assertThat(System.nanoTime()).as("jobs run after the restart: %s", ran).isLessThan(deadline);
					Thread.sleep(50);
				}
			}
		}
		assertThat(ran).containsExactly("high-1", "high-2", "high-3", "normal-1", "normal-2", "normal-3", "low-1",
				"low-2", "low-3", "epoch");
		assertThat(ranAt.get("epoch")).as("epoch job kept its time across the restart").isAfterOrEqualTo(epoch);
		assertThat(ranAt.get("epoch")).isBefore(epoch.plusSeconds(10));
	}

	@Test
	void jobsOfADataDirectoryFromBeforeTheStoresOwnSchemaHistoryRun() throws Exception {
		// the server app used to create gearman_queue with Spring Boot's Flyway (history in flyway_schema_history)
		try (HikariDataSource old = new HikariDataSource()) {
			old.setJdbcUrl("jdbc:h2:file:" + this.dataDir.resolve("gearman").toAbsolutePath());
			QueueSchemaFixtures.migrateTheOldWay(old);
			QueueSchemaFixtures.storeJob(old, new StoredJob("kept", "old-job", 1,
					"from the old data directory".getBytes(StandardCharsets.UTF_8), 0, 1));
		}
		List<String> ran = new CopyOnWriteArrayList<>();
		try (ConfigurableApplicationContext context = start()) {
			try (GearmanWorker worker = new GearmanWorker(GearmanWorkerSettings.of(address(context)))) {
				worker.register("kept", (job) -> {
					ran.add(job.payloadAsString());
					return new byte[0];
				});
				worker.start();
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
				while (ran.isEmpty()) {
					assertThat(System.nanoTime()).as("the stored job runs").isLessThan(deadline);
					Thread.sleep(50);
				}
			}
			assertThat(QueueSchemaFixtures.history(context.getBean(DataSource.class), QueueSchema.HISTORY_TABLE))
				.containsExactly("1 BASELINE gearman_queue made before gearman_schema_history",
						QueueSchemaFixtures.VERSION_2, QueueSchemaFixtures.VERSION_3, QueueSchemaFixtures.VERSION_4);
		}
		assertThat(ran).containsExactly("from the old data directory");
	}

	@Test
	void theMemoryStoreWritesNothingToTheDataDirectory() throws Exception {
		try (ConfigurableApplicationContext context = start("--gearman.server.store.type=memory")) {
			try (GearmanClient client = client(context)) {
				client.submitBackground(JobRequest.of("f", "x").withUnique("x")).get(30, TimeUnit.SECONDS);
			}
		}
		try (var files = Files.list(this.dataDir)) {
			assertThat(files).isEmpty();
		}
	}

	private ConfigurableApplicationContext start(String... extra) {
		List<String> args = new java.util.ArrayList<>(List.of("--gearman.server.address=127.0.0.1",
				"--gearman.server.port=0", "--gearman.server.data-dir=" + this.dataDir,
				// the job server only: HTTP is not needed here and a lighter start keeps the epoch timing honest
				"--spring.main.web-application-type=none"));
		args.addAll(List.of(extra));
		return new SpringApplicationBuilder(GearmanServerApplication.class).run(args.toArray(String[]::new));
	}

	private static String address(ConfigurableApplicationContext context) {
		return "127.0.0.1:" + context.getEnvironment().getProperty("local.gearman.port");
	}

	private static GearmanClient client(ConfigurableApplicationContext context) {
		return new GearmanClient(GearmanClientSettings.of(address(context)));
	}

}
