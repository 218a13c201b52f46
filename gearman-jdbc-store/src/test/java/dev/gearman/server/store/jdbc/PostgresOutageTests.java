package dev.gearman.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.GearmanServerErrorException;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobRequest;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A job server on a real PostgreSQL that goes away mid-run: background submissions get ERROR QUEUE_ERROR promptly
 * instead of hanging, foreground jobs keep running, the store reports itself unavailable, and everything recovers
 * by itself when the database is back.
 */
class PostgresOutageTests {

	/** Far below a client's patience; the store's own timeout is 2 s and Hikari's connection timeout 1 s. */
	private static final Duration PROMPT = Duration.ofSeconds(6);

	private PostgresServer postgres;

	private HikariDataSource dataSource;

	private JdbcJobStore store;

	private GearmanServer server;

	private GearmanWorker worker;

	private GearmanClient client;

	private final List<String> ran = new CopyOnWriteArrayList<>();

	@BeforeEach
	void start() {
		this.postgres = PostgresServer.start();
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(this.postgres.url());
		this.dataSource.setUsername("gearman");
		this.dataSource.setPassword("gearman");
		this.dataSource.setMaximumPoolSize(4);
		this.dataSource.setConnectionTimeout(1000);
		this.dataSource.setValidationTimeout(500);
		QueueSchema.migrate(this.dataSource);
		this.store = new JdbcJobStore(this.dataSource, new JdbcJobStoreSettings().setTimeout(Duration.ofSeconds(2))
			.setRetryInterval(Duration.ofMillis(200)));
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress("127.0.0.1");
		settings.setPort(0);
		this.server = new GearmanServer(settings, this.store);
		this.server.start();
		String address = "127.0.0.1:" + this.server.port();
		this.worker = new GearmanWorker(GearmanWorkerSettings.of(address));
		this.worker.register("record", (job) -> {
			this.ran.add(job.payloadAsString());
			return job.payload();
		});
		this.worker.start();
		this.client = new GearmanClient(GearmanClientSettings.of(address));
	}

	@AfterEach
	void stop() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.worker != null) {
			this.worker.close();
		}
		if (this.server != null) {
			this.server.stop();
		}
		if (this.store != null) {
			this.store.close();
		}
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		if (this.postgres != null) {
			this.postgres.close();
		}
	}

	@Test
	void submissionsFailFastWhileTheDatabaseIsDownAndRecoverWhenItReturns() throws Exception {
		background("before").get(30, TimeUnit.SECONDS);
		awaitRan("before");
		assertThat(this.store.isAvailable()).isTrue();

		this.postgres.stopServer();
		for (int i = 0; i < 3; i++) {
			long start = System.nanoTime();
			CompletableFuture<JobHandle> refused = background("during-" + i);
			Throwable failure = failure(refused, PROMPT.multipliedBy(2));
			assertThat(failure).as("submission while the database is down").isInstanceOf(GearmanServerErrorException.class);
			assertThat(((GearmanServerErrorException) failure).code()).isEqualTo("QUEUE_ERROR");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to QUEUE_ERROR").isLessThan(PROMPT);
		}
		assertThat(this.store.isAvailable()).isFalse();
		assertThat(this.store.lastFailure()).isNotNull();
		byte[] result = this.client.submit(JobRequest.of("record", "foreground-during-outage"))
			.get(30, TimeUnit.SECONDS);
		assertThat(new String(result, StandardCharsets.UTF_8)).isEqualTo("foreground-during-outage");

		this.postgres.startServer();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			try {
				background("after").get(30, TimeUnit.SECONDS);
				break;
			}
			catch (ExecutionException ex) {
				if (System.nanoTime() > deadline) {
					fail("the store did not recover after PostgreSQL came back", ex);
				}
				Thread.sleep(100);
			}
		}
		awaitRan("after");
		assertThat(this.store.isAvailable()).isTrue();
		assertThat(this.ran).noneMatch((payload) -> payload.startsWith("during-"));
	}

	private CompletableFuture<JobHandle> background(String payload) {
		return this.client.submitBackground(JobRequest.of("record", payload).withUnique(payload));
	}

	private static Throwable failure(CompletableFuture<?> future, Duration timeout) throws Exception {
		try {
			future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return fail("submission succeeded while the database was down");
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	private void awaitRan(String payload) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!this.ran.contains(payload)) {
			assertThat(System.nanoTime()).as("job '%s' never ran", payload).isLessThan(deadline);
			Thread.sleep(20);
		}
	}

}
