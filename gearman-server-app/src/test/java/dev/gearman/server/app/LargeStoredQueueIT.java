package dev.gearman.server.app;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.jdbc.QueueSchema;
import dev.gearman.server.store.jdbc.TestDatabase;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A stored queue larger than the heap: PostgreSQL holds 400 MB of background jobs and the server app runs with a
 * heap of 160 MB. It starts, loads what its queued-bytes budget holds, serves, and loads the rest as the jobs finish;
 * every job runs once, in the order it was stored. (Before: the replay loaded every row at startup and the process
 * died of OutOfMemoryError, on every start.)
 */
class LargeStoredQueueIT {

	/** The jar under test; another build's with {@code -Dgearman.app.jar=...}, e.g. to see the test fail before. */
	private static final Path JAR = Path.of(System.getProperty("gearman.app.jar", "target/gearman-server-app.jar"));

	private static final int JOBS = 4000;

	private static final int PAYLOAD = 100 * 1024;

	@TempDir
	Path workDir;

	private final List<Process> processes = new ArrayList<>();

	private HikariDataSource dataSource;

	@AfterEach
	void stop() {
		this.processes.forEach(Process::destroyForcibly);
		if (this.dataSource != null) {
			this.dataSource.close();
		}
	}

	@Test
	void queueOfMoreThanTheHeapShouldStartAndRunEveryJobInOrder() throws Exception {
		assertThat(JAR).as("the repackaged jar (mvn package)").exists();
		String url = TestDatabase.POSTGRESQL.emptyDatabase();
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(url);
		this.dataSource.setUsername(TestDatabase.POSTGRESQL.user());
		this.dataSource.setPassword(TestDatabase.POSTGRESQL.password());
		QueueSchema.migrate(this.dataSource);
		fill();
		int port = freePort();
		startServer(port, url);
		List<Integer> ran = new ArrayList<>();
		try (GearmanWorker worker = new GearmanWorker(GearmanWorkerSettings.of("127.0.0.1:" + port))) {
			worker.register("big", (job) -> {
				byte[] data = job.payload();
				assertThat(data).hasSize(PAYLOAD);
				int number = java.nio.ByteBuffer.wrap(data).getInt();
				assertThat(data[PAYLOAD - 1]).isEqualTo((byte) number);
				synchronized (ran) {
					ran.add(number);
				}
				return new byte[0];
			});
			worker.start();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
			while (size(ran) < JOBS) {
				if (System.nanoTime() > deadline) {
					fail(size(ran) + " of " + JOBS + " stored jobs ran within 180 s; log:\n" + log());
				}
				Thread.sleep(100);
			}
		}
		assertThat(ran).as("jobs in the order they ran").hasSize(JOBS).isSorted().doesNotHaveDuplicates();
		assertThat(log()).contains("the rest stay in the store").contains("All stored jobs are loaded")
			.doesNotContain("OutOfMemoryError");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (rows() > 0) {
			assertThat(System.nanoTime()).as("rows left: %d", rows()).isLessThan(deadline);
			Thread.sleep(100);
		}
	}

	/** 4,000 rows of 100 KB: 400 MB of payload, more than twice the app's heap. */
	private void fill() throws Exception {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO gearman_queue (unique_key,"
						+ " function_name, priority, data, when_to_run, job_sequence, created_at)"
						+ " VALUES (?, ?, ?, ?, 0, ?, ?)")) {
			connection.setAutoCommit(false);
			byte[] data = new byte[PAYLOAD];
			for (int i = 0; i < JOBS; i++) {
				java.nio.ByteBuffer.wrap(data).putInt(i);
				Arrays.fill(data, 4, PAYLOAD, (byte) i);
				insert.setString(1, "job-" + i);
				insert.setString(2, "big");
				insert.setInt(3, 1);
				insert.setBytes(4, data);
				insert.setLong(5, i + 1);
				insert.setTimestamp(6, new Timestamp(System.currentTimeMillis()));
				insert.addBatch();
				if (i % 100 == 99) {
					insert.executeBatch();
					connection.commit();
				}
			}
			insert.executeBatch();
			connection.commit();
		}
		assertThat(rows()).isEqualTo(JOBS);
	}

	private long rows() throws Exception {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT COUNT(*) FROM gearman_queue")) {
			result.next();
			return result.getLong(1);
		}
	}

	private static int size(List<Integer> list) {
		synchronized (list) {
			return list.size();
		}
	}

	private String log() throws IOException {
		return Files.readString(this.workDir.resolve("server.log"));
	}

	private void startServer(int port, String url) throws IOException, InterruptedException {
		Path log = this.workDir.resolve("server.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Xmx160m", "-XX:+UseSerialGC", "-jar", JAR.toString(),
				"--gearman.server.address=127.0.0.1", "--gearman.server.port=" + port, "--server.port=0",
				"--spring.datasource.url=" + url, "--spring.datasource.username=" + TestDatabase.POSTGRESQL.user(),
				"--spring.datasource.password=" + TestDatabase.POSTGRESQL.password())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.start();
		this.processes.add(process);
		long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
		while (!Files.readString(log).contains("listening on")) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				fail("server app did not start:\n" + Files.readString(log));
			}
			Thread.sleep(100);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
