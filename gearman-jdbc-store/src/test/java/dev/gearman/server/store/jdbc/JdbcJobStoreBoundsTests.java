package dev.gearman.server.store.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's bounds, with a database that hangs or fails on demand: a full write queue and a hanging commit fail
 * submissions within their limits, never block the caller, and the store recovers when the database does.
 */
class JdbcJobStoreBoundsTests {

	@TempDir
	Path dir;

	private HikariDataSource h2;

	private final CountDownLatch release = new CountDownLatch(1);

	private volatile boolean hang;

	private volatile boolean broken;

	private DataSource controlled;

	private JdbcJobStore store;

	@BeforeEach
	void setUp() {
		this.h2 = new HikariDataSource();
		this.h2.setJdbcUrl("jdbc:h2:file:" + this.dir.resolve("gearman").toAbsolutePath());
		this.h2.setUsername("sa");
		QueueSchema.migrate(this.h2);
		this.controlled = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
					if (method.getName().equals("getConnection")) {
						if (this.hang) {
							this.release.await(60, TimeUnit.SECONDS);
						}
						if (this.broken) {
							throw new SQLException("connection refused (test)", "08001");
						}
					}
					try {
						return method.invoke(this.h2, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getCause();
					}
				});
	}

	@AfterEach
	void tearDown() {
		this.release.countDown();
		if (this.store != null) {
			this.store.close();
		}
		this.h2.close();
	}

	@Test
	void aFullWriteQueueFailsSubmissionsAtOnce() {
		this.store = new JdbcJobStore(this.controlled, new JdbcJobStoreSettings().setWriters(1).setQueueCapacity(10)
			.setTimeout(Duration.ofSeconds(30)));
		this.hang = true;
		// one writer: the first insert occupies it (hanging in getConnection), then ten fill its queue
		List<CompletableFuture<Void>> accepted = new ArrayList<>();
		accepted.add(JdbcJobStoreContractTests.add(this.store, job(0)));
		awaitQueued(0);
		for (int i = 1; i <= 10; i++) {
			accepted.add(JdbcJobStoreContractTests.add(this.store, job(i)));
		}
		long start = System.nanoTime();
		CompletableFuture<Void> refused = JdbcJobStoreContractTests.add(this.store, job(11));
		assertThat(refused).isCompletedExceptionally();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		assertThat(accepted).noneMatch(CompletableFuture::isDone);
		this.hang = false;
		this.release.countDown();
		accepted.forEach((future) -> assertThat(future).succeedsWithin(Duration.ofSeconds(30)));
	}

	@Test
	void aHangingDatabaseFailsSubmissionsAfterTheTimeoutAndTheStoreRecovers() {
		this.store = new JdbcJobStore(this.controlled, new JdbcJobStoreSettings().setTimeout(Duration.ofMillis(500))
			.setRetryInterval(Duration.ofMillis(50)));
		this.hang = true;
		long start = System.nanoTime();
		CompletableFuture<Void> stuck = JdbcJobStoreContractTests.add(this.store, job(1));
		CompletableFuture<Void> queued = JdbcJobStoreContractTests.add(this.store, job(2));
		assertThat(stuck).failsWithin(Duration.ofSeconds(10));
		assertThat(queued).failsWithin(Duration.ofSeconds(10));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(this.store.isAvailable()).isFalse();
		assertThat(JdbcJobStoreContractTests.add(this.store, job(3))).as("fails fast while unavailable")
			.isCompletedExceptionally();
		this.hang = false;
		this.release.countDown();
		awaitAvailable();
		assertThat(JdbcJobStoreContractTests.add(this.store, job(4))).succeedsWithin(Duration.ofSeconds(30));
	}

	@Test
	void aFailingDatabaseMakesTheStoreUnavailableAndKeepsDeletesForItsReturn() {
		this.store = new JdbcJobStore(this.controlled, new JdbcJobStoreSettings().setRetryInterval(Duration.ofMillis(50)));
		assertThat(JdbcJobStoreContractTests.add(this.store, job(1))).succeedsWithin(Duration.ofSeconds(30));
		this.broken = true;
		this.store.remove("f", "u1", 1);
		CompletableFuture<Void> refused = JdbcJobStoreContractTests.add(this.store, job(2));
		assertThat(refused).failsWithin(Duration.ofSeconds(10));
		assertThat(this.store.isAvailable()).isFalse();
		assertThat(this.store.lastFailure()).contains("connection refused (test)");
		this.broken = false;
		awaitAvailable();
		assertThat(JdbcJobStoreContractTests.add(this.store, job(3))).succeedsWithin(Duration.ofSeconds(30));
		List<StoredJob> left = JdbcJobStoreContractTests.replay(this.store);
		assertThat(left).extracting(StoredJob::unique).containsExactly("u3");
	}

	@Test
	void aCommitBegunBeforeAFailureDoesNotTurnTheStoreAvailableAgain() throws SQLException {
		// one writer's late success used to undo what another writer had just found out (seen once in CI)
		StoreAvailability availability = new StoreAvailability(this.controlled, new JdbcJobStoreSettings());
		long atStart = availability.failures();
		availability.markUnavailable(new SQLException("connection refused (test)"));
		availability.committed(atStart);
		assertThat(availability.isAvailable()).isFalse();
		availability.committed(availability.failures());
		assertThat(availability.isAvailable()).isTrue();
	}

	@Test
	void oneWriterSeeingTheDatabaseFailTurnsTheWholeStoreUnavailable() {
		this.store = new JdbcJobStore(this.controlled, new JdbcJobStoreSettings().setWriters(4)
			.setRetryInterval(Duration.ofSeconds(30)));
		this.broken = true;
		assertThat(JdbcJobStoreContractTests.add(this.store, job(1))).failsWithin(Duration.ofSeconds(10));
		assertThat(this.store.isAvailable()).isFalse();
		// keys spread over all four writers; none of them has met the failure itself, all refuse at once
		for (int i = 2; i < 40; i++) {
			assertThat(JdbcJobStoreContractTests.add(this.store, job(i))).as("job %d", i).isCompletedExceptionally();
		}
		// closing wakes writers that wait out the (long) retry interval instead of waiting for them
		long start = System.nanoTime();
		this.store.close();
		this.store = null;
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
	}

	private static StoredJob job(int n) {
		return new StoredJob("f", "u" + n, 1, new byte[] { (byte) n }, 0, n);
	}

	private void awaitQueued(int expected) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.store.queuedInserts() != expected) {
			assertThat(System.nanoTime()).isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private void awaitAvailable() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!this.store.isAvailable()) {
			assertThat(System.nanoTime()).as("store never recovered").isLessThan(deadline);
			try {
				Thread.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
