package dev.gearman.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@link JdbcJobStore} contract, run against every supported database by a subclass that provides it: the
 * migration ({@link QueueSchema}), durable-before-acknowledged inserts, group commit, batched deletes, replay order and exact
 * round trips of keys and payloads.
 */
abstract class JdbcJobStoreContractTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	protected HikariDataSource dataSource;

	/** The same database, with trouble on demand. */
	protected ControlledDataSource controlled;

	private final List<JdbcJobStore> stores = new ArrayList<>();

	/** The JDBC URL of a database with user and password 'gearman' (H2: user 'sa', no password). */
	protected abstract String url();

	protected String user() {
		return "gearman";
	}

	protected String password() {
		return "gearman";
	}

	@BeforeEach
	void migrate() throws SQLException {
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(url());
		this.dataSource.setUsername(user());
		this.dataSource.setPassword(password());
		this.dataSource.setMaximumPoolSize(4);
		this.dataSource.setConnectionTimeout(5000);
		QueueSchema.migrate(this.dataSource);
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.executeUpdate("DELETE FROM gearman_queue");
		}
		this.controlled = new ControlledDataSource(this.dataSource);
	}

	@AfterEach
	void closeStores() {
		this.controlled.releaseCommits();
		this.stores.forEach(JdbcJobStore::close);
		this.dataSource.close();
	}

	protected JdbcJobStore store() {
		return store(new JdbcJobStoreSettings());
	}

	protected JdbcJobStore store(JdbcJobStoreSettings settings) {
		return store(this.dataSource, settings);
	}

	protected JdbcJobStore store(DataSource database, JdbcJobStoreSettings settings) {
		JdbcJobStore store = new JdbcJobStore(database, settings);
		this.stores.add(store);
		return store;
	}

	@Test
	void migrationCreatesTheQueueTableWithTheColumnsOperatorsKnow() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT unique_key, function_name, priority, data, when_to_run,"
						+ " job_sequence, created_at FROM gearman_queue")) {
			assertThat(rows.next()).isFalse();
		}
	}

	@Test
	void addedJobsAreReplayedExactlyInSequenceOrder() {
		byte[] binary = new byte[256];
		for (int i = 0; i < binary.length; i++) {
			binary[i] = (byte) i;
		}
		List<StoredJob> jobs = List.of(job("f", "u3", 2, binary, 0, 30), job("f", "u1", 0, bytes("high"), 0, 10),
				job("g", "épée ÿ", 1, new byte[0], 1_900_000_000L, 20),
				job("f", "~gearman-0f2a6d5c-1b7e-4d35-9c67-2b1d7a3b9e40", 1, bytes("x"), 0, 40));
		JdbcJobStore store = store();
		List<CompletableFuture<Void>> added = jobs.stream().map((job) -> add(store, job)).toList();
		added.forEach(this::awaitSuccess);
		List<StoredJob> replayed = replay(store());
		assertThat(replayed).extracting(StoredJob::sequence).containsExactly(10L, 20L, 30L, 40L);
		for (StoredJob job : jobs) {
			StoredJob back = replayed.stream().filter((r) -> r.sequence() == job.sequence()).findFirst().orElseThrow();
			assertThat(back.function()).isEqualTo(job.function());
			assertThat(back.unique()).isEqualTo(job.unique());
			assertThat(back.priority()).isEqualTo(job.priority());
			assertThat(back.data()).isEqualTo(job.data());
			assertThat(back.whenToRun()).isEqualTo(job.whenToRun());
		}
	}

	@Test
	void aRangeOfTheQueueIsReadInOrderUntilTheReaderStops() {
		JdbcJobStore store = store();
		for (int i = 1; i <= 9; i++) {
			awaitSuccess(add(store, job("f", "u" + i, i % 3, bytes("job " + i), 0, i * 10L)));
		}
		assertThat(store().lastSequence()).isEqualTo(90);
		List<Long> read = new ArrayList<>();
		// after 20, up to 80, declining the fourth: a part of the queue as the engine loads it
		store().replay(20, 80, (job) -> {
			if (read.size() == 3) {
				return false;
			}
			read.add(job.sequence());
			return true;
		});
		assertThat(read).containsExactly(30L, 40L, 50L);
		read.clear();
		store().replay(50, 80, (job) -> read.add(job.sequence()));
		assertThat(read).containsExactly(60L, 70L, 80L);
	}

	@Test
	void anEmptyQueueHasNoLastSequence() {
		assertThat(store().lastSequence()).isZero();
	}

	@Test
	void anAddIsCommittedBeforeItsCallbackRuns() {
		JdbcJobStore store = store();
		AtomicReference<Long> rowsSeenInCallback = new AtomicReference<>();
		CompletableFuture<Void> done = new CompletableFuture<>();
		store.add(job("f", "visible", 1, bytes("d"), 0, 1), (failure) -> {
			// another connection must already see the row: the client's JOB_CREATED follows this callback
			rowsSeenInCallback.set(countRows());
			done.complete(null);
		});
		awaitSuccess(done);
		assertThat(rowsSeenInCallback.get()).isEqualTo(1L);
	}

	@Test
	void concurrentAddsAreGroupedIntoFewTransactions() throws Exception {
		// generous timeout: this is about batching, not speed, and CI machines can be slow
		JdbcJobStore store = store(new JdbcJobStoreSettings().setTimeout(WAIT));
		int threads = 4;
		int perThread = 1_000;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		List<CompletableFuture<Void>> added = new ArrayList<>();
		try {
			List<java.util.concurrent.Future<List<CompletableFuture<Void>>>> submitters = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				submitters.add(pool.submit(() -> {
					List<CompletableFuture<Void>> mine = new ArrayList<>();
					for (int i = 0; i < perThread; i++) {
						long sequence = (long) thread * perThread + i;
						mine.add(add(store, job("bulk", "j" + sequence, 1, bytes("payload"), 0, sequence)));
					}
					return mine;
				}));
			}
			for (var submitter : submitters) {
				added.addAll(submitter.get(30, TimeUnit.SECONDS));
			}
		}
		finally {
			pool.shutdownNow();
		}
		added.forEach(this::awaitSuccess);
		assertThat(countRows()).isEqualTo((long) threads * perThread);
		assertThat(store.committedInserts()).isEqualTo(threads * perThread);
		assertThat(store.committedBatches()).as("transactions for %d inserts", threads * perThread)
			.isLessThan(threads * perThread / 10);
	}

	@Test
	void committedBatchesAreReportedToTheStoreListener() {
		JdbcJobStore store = store();
		List<String> batches = new CopyOnWriteArrayList<>();
		AtomicLong inserted = new AtomicLong();
		AtomicLong deleted = new AtomicLong();
		store.setListener(new JobStoreListener() {
			@Override
			public void batchCommitted(Operation operation, int size, long commitNanos) {
				batches.add(operation + " " + size + ((size > 0 && commitNanos > 0) ? "" : " INVALID"));
				((operation == Operation.INSERT) ? inserted : deleted).addAndGet(size);
			}
		});
		List<CompletableFuture<Void>> added = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			added.add(add(store, job("m", "m" + i, 1, bytes("d"), 0, i)));
		}
		added.forEach(this::awaitSuccess);
		assertThat(inserted.get()).as("inserts reported in %s", batches).isEqualTo(200);
		for (int i = 0; i < 200; i++) {
			store.remove("m", "m" + i, i);
		}
		awaitRows(0);
		await().atMost(WAIT).until(() -> deleted.get() >= 200);
		assertThat(deleted.get()).as("deletes reported in %s", batches).isEqualTo(200);
		assertThat(batches).noneMatch((batch) -> batch.endsWith("INVALID"));
	}

	@Test
	void removedJobsAreDeletedAndNotReplayed() {
		JdbcJobStore store = store();
		for (int i = 0; i < 100; i++) {
			awaitSuccess(add(store, job("f", "r" + i, 1, bytes("d"), 0, i)));
		}
		for (int i = 0; i < 100; i += 2) {
			store.remove("f", "r" + i, i);
		}
		awaitRows(50);
		assertThat(replay(store())).extracting(StoredJob::unique).allMatch((u) -> Integer.parseInt(u.substring(1)) % 2 == 1);
	}

	@Test
	void removedAndResubmittedUniqueIsStoredAgain() {
		JdbcJobStore store = store();
		awaitSuccess(add(store, job("f", "again", 1, bytes("first"), 0, 1)));
		store.remove("f", "again", 1);
		awaitSuccess(add(store, job("f", "again", 1, bytes("second"), 0, 2)));
		assertThat(replay(store())).singleElement().satisfies((job) -> assertThat(job.data()).isEqualTo(bytes("second")));
	}

	@Test
	void aKeysDeleteAndNextInsertStayInOrderAcrossWriters() {
		// a delete routed to another writer than the key's insert could commit after a resubmission's insert
		// and delete the new row: every key must meet the same writer
		JdbcJobStore store = store(new JdbcJobStoreSettings().setWriters(4).setTimeout(WAIT));
		int keys = 200;
		for (int i = 0; i < keys; i++) {
			awaitSuccess(add(store, job("f" + (i % 7), "k" + i, 1, bytes("first"), 0, i)));
		}
		List<CompletableFuture<Void>> again = new ArrayList<>();
		for (int i = 0; i < keys; i++) {
			store.remove("f" + (i % 7), "k" + i, i);
			again.add(add(store, job("f" + (i % 7), "k" + i, 1, bytes("second"), 0, keys + i)));
		}
		again.forEach(this::awaitSuccess);
		store.close();
		List<StoredJob> replayed = replay(store());
		assertThat(replayed).hasSize(keys);
		assertThat(replayed).allSatisfy((job) -> assertThat(job.data()).isEqualTo(bytes("second")));
		assertThat(replayed).extracting(StoredJob::sequence).isSorted();
	}

	@Test
	void everyWriterCommitsItsShareAndCloseWaitsForAll() {
		JdbcJobStore store = new JdbcJobStore(this.dataSource, new JdbcJobStoreSettings().setWriters(3));
		List<CompletableFuture<Void>> added = new ArrayList<>();
		for (int i = 0; i < 900; i++) {
			added.add(add(store, job("w", "w" + i, i % 3, bytes("d" + i), 0, i)));
		}
		store.close();
		added.forEach(this::awaitSuccess);
		assertThat(store.committedInserts()).isEqualTo(900);
		assertThat(countRows()).isEqualTo(900L);
		assertThat(replay(store())).extracting(StoredJob::sequence).isSorted().hasSize(900);
	}

	@Test
	void uniqueKeysAreCaseAndTrailingSpaceSensitive() {
		JdbcJobStore store = store();
		awaitSuccess(add(store, job("f", "key", 1, bytes("1"), 0, 1)));
		awaitSuccess(add(store, job("f", "KEY", 1, bytes("2"), 0, 2)));
		awaitSuccess(add(store, job("f", "key ", 1, bytes("3"), 0, 3)));
		awaitSuccess(add(store, job("F", "key", 1, bytes("4"), 0, 4)));
		assertThat(replay(store())).extracting(StoredJob::unique).containsExactly("key", "KEY", "key ", "key");
	}

	@Test
	void aStaleRowWithTheSameKeyIsReplacedWithoutFailingTheBatch() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO gearman_queue (unique_key,"
						+ " function_name, priority, data, when_to_run, job_sequence, created_at)"
						+ " VALUES ('stale', 'f', 1, ?, 0, 1, ?)")) {
			insert.setBytes(1, bytes("old"));
			insert.setTimestamp(2, new Timestamp(System.currentTimeMillis()));
			insert.executeUpdate();
		}
		JdbcJobStore store = store();
		List<CompletableFuture<Void>> added = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			added.add(add(store, job("f", (i == 10) ? "stale" : "fresh" + i, 1, bytes("new" + i), 0, 100 + i)));
		}
		added.forEach(this::awaitSuccess);
		List<StoredJob> replayed = replay(store());
		assertThat(replayed).hasSize(20);
		assertThat(replayed).filteredOn((job) -> job.unique().equals("stale"))
			.singleElement()
			.satisfies((job) -> assertThat(job.data()).isEqualTo(bytes("new10")));
	}

	@Test
	void aFunctionNameTooLongForTheTableFailsOnlyThatJob() {
		JdbcJobStore store = store();
		CompletableFuture<Void> tooLong = add(store, job("f".repeat(300), "u", 1, bytes("d"), 0, 1));
		CompletableFuture<Void> fine = add(store, job("f", "u", 1, bytes("d"), 0, 2));
		assertThat(tooLong).failsWithin(WAIT);
		awaitSuccess(fine);
		assertThat(store.isAvailable()).isTrue();
	}

	@Test
	void largePayloadsRoundTrip() {
		byte[] large = new byte[2 * 1024 * 1024];
		new java.util.Random(42).nextBytes(large);
		JdbcJobStore store = store();
		awaitSuccess(add(store, job("f", "large", 1, large, 0, 1)));
		assertThat(replay(store())).singleElement().satisfies((job) -> assertThat(job.data()).isEqualTo(large));
	}

	@Test
	void closeCommitsWhatIsQueued() {
		JdbcJobStore store = new JdbcJobStore(this.dataSource, new JdbcJobStoreSettings());
		List<CompletableFuture<Void>> added = new ArrayList<>();
		for (int i = 0; i < 1000; i++) {
			added.add(add(store, job("f", "c" + i, 1, bytes("d"), 0, i)));
		}
		store.close();
		added.forEach(this::awaitSuccess);
		assertThat(countRows()).isEqualTo(1000L);
		CompletableFuture<Void> afterClose = add(store, job("f", "late", 1, bytes("d"), 0, 5000));
		assertThat(afterClose).failsWithin(WAIT);
	}

	@Test
	void aCommitThatHangsPastTheTimeoutAnswersTheClientWithItsOutcome() throws InterruptedException {
		// the watchdog used to fail the insert at the timeout while its transaction went on and committed: the
		// client got QUEUE_ERROR (and could resubmit) for a job that ran after the next restart
		JdbcJobStore store = store(this.controlled.dataSource(), new JdbcJobStoreSettings().setWriters(1)
			.setTimeout(Duration.ofMillis(500))
			.setRetryInterval(Duration.ofMillis(50)));
		this.controlled.holdCommits();
		CompletableFuture<Void> held = add(store, job("f", "held", 1, bytes("d"), 0, 1));
		this.controlled.awaitHeldCommit();
		await().atMost(WAIT).until(() -> !store.isAvailable());
		assertThat(add(store, job("f", "meanwhile", 1, bytes("d"), 0, 2))).as("new submissions fail fast")
			.isCompletedExceptionally();
		assertThat(held).as("the job in the hanging transaction waits for its outcome").isNotDone();
		this.controlled.releaseCommits();
		awaitSuccess(held);
		assertThat(replay(store())).extracting(StoredJob::unique).containsExactly("held");
	}

	@Test
	void aCommitWhoseAnswerIsLostFailsTheJobAndItsRowIsDeletedBeforeTheKeyIsStoredAgain() throws Exception {
		// the commit hangs past the connection's network timeout: the database committed, the answer never came
		JdbcJobStoreSettings settings = new JdbcJobStoreSettings().setWriters(1)
			.setTimeout(Duration.ofMillis(500))
			.setRetryInterval(Duration.ofMillis(50));
		JdbcJobStore store = store(this.controlled.dataSource(), settings);
		this.controlled.holdCommits();
		CompletableFuture<Void> lost = add(store, job("f", "lost", 1, bytes("first"), 0, 1));
		this.controlled.awaitHeldCommit();
		this.controlled.awaitCommitsReturned(1, Duration.ofSeconds(10));
		assertThat(lost).failsWithin(WAIT);
		this.controlled.releaseCommits();
		// the store deletes exactly that row once the database answers again, before anything else
		awaitRows(0);
		await().atMost(WAIT).until(store::isAvailable);
		awaitSuccess(add(store, job("f", "lost", 1, bytes("second"), 0, 2)));
		assertThat(replay(store())).singleElement().satisfies((job) -> assertThat(job.sequence()).isEqualTo(2));
	}

	@Test
	void aStaleDeleteFromABacklogDoesNotRemoveANewerJobStoredUnderTheSameKey() throws InterruptedException {
		// an outage leaves more deletes pending than one commit carries; when the database returns, a new job
		// takes the key of a finished one whose delete is still in the backlog: the insert meets the old row,
		// replaces it one by one, and the old delete, committed later, must not delete the new row
		JdbcJobStore store = store(this.controlled.dataSource(), new JdbcJobStoreSettings().setWriters(1)
			.setMaxBatchSize(10)
			.setRetryInterval(Duration.ofMillis(50))
			.setTimeout(WAIT));
		AtomicLong deleted = new AtomicLong();
		store.setListener(new JobStoreListener() {
			@Override
			public void batchCommitted(Operation operation, int size, long commitNanos) {
				if (operation == Operation.DELETE) {
					deleted.addAndGet(size);
				}
			}
		});
		int others = 30;
		awaitSuccess(add(store, job("f", "same", 1, bytes("old"), 0, 1)));
		List<CompletableFuture<Void>> added = new ArrayList<>();
		for (int i = 0; i < others; i++) {
			added.add(add(store, job("f", "other" + i, 1, bytes("d"), 0, 10 + i)));
		}
		added.forEach(this::awaitSuccess);
		this.controlled.broken = true;
		for (int i = 0; i < others; i++) {
			store.remove("f", "other" + i, 10 + i);
		}
		store.remove("f", "same", 1);
		await().atMost(WAIT).until(() -> !store.isAvailable());
		// the database returns; the first commit of the backlog is held while a new job takes the key
		this.controlled.holdCommits();
		this.controlled.broken = false;
		await().atMost(WAIT).until(store::isAvailable);
		this.controlled.awaitHeldCommit();
		CompletableFuture<Void> renewed = add(store, job("f", "same", 1, bytes("new"), 0, 100));
		this.controlled.releaseCommits();
		awaitSuccess(renewed);
		await().atMost(WAIT).until(() -> deleted.get() >= others + 1);
		assertThat(replay(store())).singleElement().satisfies((job) -> {
			assertThat(job.sequence()).isEqualTo(100);
			assertThat(job.data()).isEqualTo(bytes("new"));
		});
	}

	protected static StoredJob job(String function, String unique, int priority, byte[] data, long whenToRun,
			long sequence) {
		return new StoredJob(function, unique, priority, data, whenToRun, sequence);
	}

	protected static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	protected static CompletableFuture<Void> add(JdbcJobStore store, StoredJob job) {
		CompletableFuture<Void> result = new CompletableFuture<>();
		store.add(job, (failure) -> {
			if (failure == null) {
				result.complete(null);
			}
			else {
				result.completeExceptionally(failure);
			}
		});
		return result;
	}

	protected void awaitSuccess(CompletableFuture<Void> future) {
		assertThat(future).succeedsWithin(WAIT);
	}

	protected static List<StoredJob> replay(JdbcJobStore store) {
		List<StoredJob> jobs = new ArrayList<>();
		store.replay(jobs::add);
		return jobs;
	}

	protected long countRows() {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM gearman_queue")) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	protected void awaitRows(long expected) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (countRows() != expected) {
			assertThat(System.nanoTime()).as("rows never reached %d", expected).isLessThan(deadline);
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
