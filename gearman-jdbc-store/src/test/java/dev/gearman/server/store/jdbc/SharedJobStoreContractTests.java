package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.OwnedElsewhereException;
import dev.gearman.server.store.StoreInstance;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static dev.gearman.server.store.jdbc.JdbcJobStoreContractTests.add;
import static dev.gearman.server.store.jdbc.JdbcJobStoreContractTests.bytes;
import static org.awaitility.Awaitility.await;

/**
 * Several servers on one database, each a {@link JdbcJobStore} of its own with a {@link RecordingOwner} for its
 * engine, run by a subclass per database that servers can share: a server that loses the database stops handing
 * its stored jobs out before the others take them over, and they take each job exactly once, in order, keeping its
 * handle; a server that leaves hands its jobs over at once; a second submission of a key joins the job stored by
 * another server; a server's writes leave rows that are not its own any more alone; and a server that comes back
 * learns it lost its jobs and joins again.
 */
abstract class SharedJobStoreContractTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private HikariDataSource dataSource;

	private final List<JdbcJobStore> stores = new ArrayList<>();

	/** The JDBC URL of an empty database with user and password 'gearman'. */
	protected abstract String url();

	@BeforeEach
	void migrate() throws SQLException {
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(url());
		this.dataSource.setUsername("gearman");
		this.dataSource.setPassword("gearman");
		this.dataSource.setMaximumPoolSize(20);
		this.dataSource.setConnectionTimeout(10_000);
		QueueSchema.migrate(this.dataSource);
		execute("DELETE FROM gearman_queue");
		execute("DELETE FROM gearman_instance");
	}

	@AfterEach
	void closeStores() {
		this.stores.forEach(JdbcJobStore::close);
		this.dataSource.close();
	}

	/** Leases long enough for a loaded test machine never to miss one, short enough for tests to wait them out. */
	private static JdbcJobStoreSettings settings() {
		return new JdbcJobStoreSettings().setLease(Duration.ofSeconds(3)).setHeartbeatInterval(Duration.ofMillis(500));
	}

	private JdbcJobStore store(ControlledDataSource database, JdbcJobStoreSettings settings) {
		JdbcJobStore store = new JdbcJobStore(database.dataSource(), settings);
		this.stores.add(store);
		return store;
	}

	private JdbcJobStore joined(ControlledDataSource database, RecordingOwner owner) {
		return joined(database, owner, settings());
	}

	private JdbcJobStore joined(ControlledDataSource database, RecordingOwner owner, JdbcJobStoreSettings settings) {
		JdbcJobStore store = store(database, settings);
		store.join(owner);
		assertThat(store.isShared()).isTrue();
		return store;
	}

	@Test
	void jobsOfAServerThatLostTheDatabaseAreTakenOverInOrderKeepingTheirHandlesAfterItStoppedHandingThemOut()
			throws SQLException {
		ControlledDataSource aDatabase = new ControlledDataSource(this.dataSource);
		RecordingOwner a = new RecordingOwner();
		JdbcJobStore aStore = joined(aDatabase, a);
		String scope = aStore.handleScope();
		assertThat(scope).hasSize(8);
		long later = System.currentTimeMillis() / 1000 + 3600;
		for (int i = 1; i <= 5; i++) {
			awaitSuccess(add(aStore, new StoredJob("f", "j" + i, i % 3, bytes("d" + i), (i == 3) ? later : 0, i, 0,
					null, "H:a:" + scope + ":" + i)));
		}
		RecordingOwner b = new RecordingOwner();
		joined(new ControlledDataSource(this.dataSource), b);
		assertThat(a.owns()).isTrue();

		aDatabase.broken = true;
		await().atMost(WAIT).until(() -> b.adopted.size() == 5);
		assertThat(b.adopted).extracting(StoredJob::unique).containsExactly("j1", "j2", "j3", "j4", "j5");
		assertThat(b.adopted).extracting(StoredJob::handle)
			.containsExactly("H:a:" + scope + ":1", "H:a:" + scope + ":2", "H:a:" + scope + ":3",
					"H:a:" + scope + ":4", "H:a:" + scope + ":5");
		assertThat(b.adopted.get(2).whenToRun()).isEqualTo(later);
		assertThat(b.adopted.get(4).priority()).isEqualTo(2);
		assertThat(b.adopted.get(4).data()).isEqualTo(bytes("d5"));
		assertThat(a.ownedUntilNanos).as("A stopped handing its stored jobs out before B took them over")
			.isLessThan(b.firstAdoptNanos);
		assertThat(a.owns()).isFalse();

		// A reaches the database again: it learns that it lost its jobs, and joins again
		aDatabase.broken = false;
		await().atMost(WAIT).until(() -> a.handOvers.get() == 1 && a.owns());
		await().atMost(WAIT).untilAsserted(() -> assertThat(aStore.instances()).extracting(StoreInstance::state)
			.containsExactlyInAnyOrder(StoreInstance.State.EXPIRED, StoreInstance.State.ALIVE,
					StoreInstance.State.ALIVE));
		assertThat(ownersOfRows()).as("every row is B's").hasSize(1);
	}

	@Test
	void serversTakingOverTogetherSplitTheJobsAndNeverShareOneAndARestartedServerTakesNoneTwice() {
		ControlledDataSource aDatabase = new ControlledDataSource(this.dataSource);
		JdbcJobStore aStore = joined(aDatabase, new RecordingOwner());
		int jobs = 3 * JobClaims.BATCH + 7;
		List<CompletableFuture<Void>> added = new ArrayList<>();
		for (int i = 0; i < jobs; i++) {
			added.add(add(aStore, new StoredJob("f", "k" + i, 1, bytes("d"), 0, i + 1)));
		}
		added.forEach(this::awaitSuccess);
		RecordingOwner b = new RecordingOwner();
		joined(new ControlledDataSource(this.dataSource), b);
		// A is killed; it comes back at once, on the same database, before its lease has run out
		aDatabase.broken = true;
		RecordingOwner restarted = new RecordingOwner();
		joined(new ControlledDataSource(this.dataSource), restarted);
		assertThat(restarted.adopted).as("jobs of a server whose lease still runs").isEmpty();

		await().atMost(WAIT).until(() -> b.adopted.size() + restarted.adopted.size() == jobs);
		Set<String> taken = new HashSet<>(b.adoptedUniques());
		for (String unique : restarted.adoptedUniques()) {
			assertThat(taken.add(unique)).as("%s taken over twice", unique).isTrue();
		}
		assertThat(taken).hasSize(jobs);
		assertThat(b.adopted).extracting(StoredJob::sequence).isSorted();
		assertThat(restarted.adopted).extracting(StoredJob::sequence).isSorted();
		assertThat(countRows()).isEqualTo(jobs);
	}

	@Test
	void aServerThatLeavesHandsItsJobsOverAtOnce() {
		// a lease far longer than the test waits: only leaving can hand the jobs over in time
		JdbcJobStoreSettings longLease = settings().setLease(Duration.ofMinutes(5));
		RecordingOwner a = new RecordingOwner();
		JdbcJobStore aStore = joined(new ControlledDataSource(this.dataSource), a, longLease);
		for (int i = 1; i <= 10; i++) {
			awaitSuccess(add(aStore, new StoredJob("f", "l" + i, 1, bytes("d"), 0, i, 0, null, "H:a:" + i)));
		}
		RecordingOwner b = new RecordingOwner();
		JdbcJobStore bStore = joined(new ControlledDataSource(this.dataSource), b, longLease);
		// what a draining server does first: it releases the jobs that wait, and they go while it still runs
		for (int i = 1; i <= 4; i++) {
			aStore.release("f", "l" + i, i);
		}
		await().atMost(WAIT).until(() -> b.adopted.size() == 4);
		assertThat(b.adoptedUniques()).containsExactly("l1", "l2", "l3", "l4");
		long start = System.nanoTime();
		aStore.close();
		await().atMost(WAIT).until(() -> b.adopted.size() == 10);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
		assertThat(b.adopted).extracting(StoredJob::handle).contains("H:a:10");
		await().atMost(WAIT).untilAsserted(() -> assertThat(bStore.instances()).filteredOn((i) -> !i.self())
			.singleElement()
			.satisfies((i) -> assertThat(i.state()).isEqualTo(StoreInstance.State.LEFT)));
	}

	@Test
	void aSubmissionOfAKeyAnotherServerStoredJoinsThatJob() throws SQLException {
		JdbcJobStore aStore = joined(new ControlledDataSource(this.dataSource), new RecordingOwner());
		JdbcJobStore bStore = joined(new ControlledDataSource(this.dataSource), new RecordingOwner());
		awaitSuccess(add(aStore, new StoredJob("f", "same", 1, bytes("a"), 0, 1, 0, null, "H:a:1")));
		List<CompletableFuture<Void>> batch = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			batch.add(add(bStore, (i == 10) ? new StoredJob("f", "same", 1, bytes("b"), 0, 100, 0, null, "H:b:100")
					: new StoredJob("f", "other" + i, 1, bytes("b"), 0, 100 + i, 0, null, "H:b:" + (100 + i))));
		}
		assertThat(batch.get(10)).failsWithin(WAIT)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(OwnedElsewhereException.class)
			.satisfies((ex) -> assertThat(((OwnedElsewhereException) ex).handle()).isEqualTo("H:a:1"));
		for (int i = 0; i < 20; i++) {
			if (i != 10) {
				awaitSuccess(batch.get(i));
			}
		}
		assertThat(countRows()).isEqualTo(20);
		assertThat(dataOf("same")).isEqualTo(bytes("a"));
	}

	@Test
	void aServerDeletesNoRowAnotherServerTookOver() {
		ControlledDataSource aDatabase = new ControlledDataSource(this.dataSource);
		JdbcJobStore aStore = joined(aDatabase, new RecordingOwner());
		AtomicInteger deletes = new AtomicInteger();
		aStore.setListener(new JobStoreListener() {
			@Override
			public void batchCommitted(Operation operation, int size, long commitNanos) {
				if (operation == Operation.DELETE) {
					deletes.addAndGet(size);
				}
			}
		});
		awaitSuccess(add(aStore, new StoredJob("f", "taken", 1, bytes("d"), 0, 1)));
		RecordingOwner b = new RecordingOwner();
		joined(new ControlledDataSource(this.dataSource), b);
		aDatabase.broken = true;
		await().atMost(WAIT).until(() -> b.adopted.size() == 1);
		aDatabase.broken = false;
		// A's worker finished the job meanwhile: its delete must leave B's row alone, B runs it
		aStore.remove("f", "taken", 1);
		await().atMost(WAIT).until(() -> deletes.get() == 1);
		assertThat(countRows()).isEqualTo(1);
	}

	@Test
	void anInsertThatCommitsAfterItsServerLostTheLeaseIsAnsweredWithItsHandleAndTakenOver() throws Exception {
		ControlledDataSource aDatabase = new ControlledDataSource(this.dataSource);
		RecordingOwner a = new RecordingOwner();
		JdbcJobStore aStore = joined(aDatabase, a);
		RecordingOwner b = new RecordingOwner();
		joined(new ControlledDataSource(this.dataSource), b);
		String oldId = selfId(aStore);
		aDatabase.holdCommits();
		CompletableFuture<Void> late = add(aStore, new StoredJob("f", "late", 1, bytes("d"), 0, 1, 0, null, "H:a:1"));
		aDatabase.awaitHeldCommit();
		// the lease runs out while the commit hangs
		execute("UPDATE gearman_instance SET expires_ms = heartbeat_ms WHERE instance_id = '" + oldId + "'");
		await().atMost(WAIT).until(() -> a.handOvers.get() == 1);
		aDatabase.releaseCommits();
		assertThat(late).failsWithin(WAIT)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.havingCause()
			.isInstanceOf(OwnedElsewhereException.class)
			.satisfies((ex) -> assertThat(((OwnedElsewhereException) ex).handle()).isEqualTo("H:a:1"));
		await().atMost(WAIT).until(() -> a.adopted.size() + b.adopted.size() == 1);
		assertThat(countRows()).isEqualTo(1);
	}

	@Test
	void rowsOfNobodyAndOfServersNotRegisteredAreTakenOverWhenAServerJoins() throws SQLException {
		QueueSchemaFixtures.storeJob(this.dataSource, new StoredJob("f", "before", 1, bytes("d"), 0, 1));
		QueueSchemaFixtures.storeJob(this.dataSource, new StoredJob("f", "ghost", 1, bytes("d"), 0, 2));
		execute("UPDATE gearman_queue SET owner = 'ghost-1' WHERE unique_key = 'ghost'");
		RecordingOwner a = new RecordingOwner();
		JdbcJobStore aStore = joined(new ControlledDataSource(this.dataSource), a);
		// made the joining server's without being read: its replay reads them, as far as its engine's budget goes
		assertThat(a.adopted).isEmpty();
		assertThat(replayedUniques(aStore)).containsExactly("before", "ghost");
		// a server that joins next owns none of them, and its replay reads nothing
		JdbcJobStore bStore = joined(new ControlledDataSource(this.dataSource), new RecordingOwner());
		assertThat(replayedUniques(bStore)).isEmpty();
		assertThat(replayedUniques(aStore)).containsExactly("before", "ghost");
	}

	private static List<String> replayedUniques(JdbcJobStore store) {
		List<String> uniques = new ArrayList<>();
		store.replay((job) -> uniques.add(job.unique()));
		return uniques;
	}

	@Test
	void aLeaseShorterThanThreeHeartbeatsIsRefused() {
		JdbcJobStore store = store(new ControlledDataSource(this.dataSource),
				new JdbcJobStoreSettings().setLease(Duration.ofSeconds(2)).setHeartbeatInterval(Duration.ofSeconds(1)));
		assertThatIllegalStateException().isThrownBy(() -> store.join(new RecordingOwner()))
			.withMessage("lease: 2000 ms (expected: at least three heartbeat intervals, 3000 ms, so that a server"
					+ " proves its ownership a few times per lease)");
	}

	private static String selfId(JdbcJobStore store) {
		return store.instances().stream().filter(StoreInstance::self).findFirst().orElseThrow().id();
	}

	private void awaitSuccess(CompletableFuture<Void> future) {
		assertThat(future).succeedsWithin(WAIT);
	}

	private void execute(String sql) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.executeUpdate(sql);
		}
	}

	private long countRows() {
		return QueueSchemaFixtures.countRows(this.dataSource, "gearman_queue");
	}

	private Set<String> ownersOfRows() throws SQLException {
		Set<String> owners = new HashSet<>();
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT owner FROM gearman_queue")) {
			while (rows.next()) {
				owners.add(rows.getString(1));
			}
		}
		return owners;
	}

	private byte[] dataOf(String unique) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection
					.prepareStatement("SELECT data FROM gearman_queue WHERE unique_key = ?")) {
			statement.setString(1, unique);
			try (ResultSet rows = statement.executeQuery()) {
				assertThat(rows.next()).isTrue();
				return rows.getBytes(1);
			}
		}
	}

}
