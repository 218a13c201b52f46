package dev.gearman.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.StoreInstance;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * H2 is for one server alone: it is not shared, its handles carry no scope, and a second server that joins the same
 * database while the first is alive is refused with a message saying what to use instead; one that stopped
 * without leaving is waited out, one that left is no obstacle.
 */
class H2SingleServerTests {

	private final List<HikariDataSource> dataSources = new ArrayList<>();

	private final List<JdbcJobStore> stores = new ArrayList<>();

	private final String url = TestDatabase.H2.emptyDatabase();

	@AfterEach
	void close() {
		this.stores.forEach(JdbcJobStore::close);
		this.dataSources.forEach(HikariDataSource::close);
	}

	private ControlledDataSource database() {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(this.url);
		dataSource.setUsername("sa");
		dataSource.setPassword("");
		dataSource.setMaximumPoolSize(6);
		this.dataSources.add(dataSource);
		QueueSchema.migrate(dataSource);
		return new ControlledDataSource(dataSource);
	}

	private JdbcJobStore store(ControlledDataSource database) {
		JdbcJobStore store = new JdbcJobStore(database.dataSource(), new JdbcJobStoreSettings()
			.setLease(Duration.ofMillis(1500))
			.setHeartbeatInterval(Duration.ofMillis(300))
			.setInstanceName("first-or-second"));
		this.stores.add(store);
		return store;
	}

	@Test
	void aSecondServerOnTheSameH2DatabaseIsRefused() {
		JdbcJobStore first = store(database());
		first.join(new RecordingOwner());
		assertThat(first.isShared()).isFalse();
		assertThat(first.handleScope()).isEmpty();
		JdbcJobStore second = store(database());
		assertThatIllegalStateException().isThrownBy(() -> second.join(new RecordingOwner()))
			.withMessageStartingWith("Another Gearman job server uses this database: 'first-or-second' (instance ")
			.withMessageEndingWith("(expected: one server per H2 database; servers that share their jobs need"
					+ " PostgreSQL or MySQL/MariaDB)");
		// the refused server deregistered itself
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(first.instances())
			.extracting(StoreInstance::state)
			.containsExactlyInAnyOrder(StoreInstance.State.ALIVE, StoreInstance.State.LEFT));
	}

	@Test
	void aServerThatStoppedWithoutLeavingIsWaitedOutAndItsJobsReplayed() throws Exception {
		ControlledDataSource killed = database();
		JdbcJobStore first = store(killed);
		first.join(new RecordingOwner());
		CompletableFuture<Throwable> stored = new CompletableFuture<>();
		first.add(new StoredJob("f", "kept", 1, "d".getBytes(StandardCharsets.UTF_8), 0, 1), stored::complete);
		assertThat(stored.get(30, TimeUnit.SECONDS)).isNull();
		// it stops heart-beating, as a killed process does
		killed.broken = true;
		JdbcJobStore second = store(database());
		second.join(new RecordingOwner());
		List<StoredJob> replayed = new ArrayList<>();
		second.replay(replayed::add);
		assertThat(replayed).extracting(StoredJob::unique).containsExactly("kept");
	}

	@Test
	void aServerThatLeftIsNoObstacle() {
		JdbcJobStore first = store(database());
		first.join(new RecordingOwner());
		first.close();
		long start = System.nanoTime();
		store(database()).join(new RecordingOwner());
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
	}

}
