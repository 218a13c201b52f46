package dev.gearman.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.DeadLetter;
import dev.gearman.server.store.DeadLetterStore;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The store contract for failed jobs, on every supported database with the rest of the contract: attempts recorded
 * on a job's row and replayed, the move to the dead letters in one transaction (and exactly once when a commit's
 * answer is lost), the operator's queries, requeue, purge and retention, and the job history.
 */
abstract class JdbcFailedJobContractTests extends JdbcJobStoreContractTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	/** Where times fall: well in the past, so that "older than now" covers every letter of a test. */
	private static final long T0 = 1_700_000_000_000L;

	@BeforeEach
	void emptyDeadLettersAndHistory() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.executeUpdate("DELETE FROM gearman_dead_letter");
			statement.executeUpdate("DELETE FROM gearman_job_history");
		}
	}

	@Test
	void failedAttemptIsReplayedWithItsAttemptsNextRunAndError() {
		JdbcJobStore store = store();
		awaitSuccess(add(store, job("f", "u", 1, bytes("d"), 0, 7)));
		store.retryLater("f", "u", 7, 2, 1_900_000_000L, "IOException: ¿dónde? 接続");
		await().atMost(WAIT).until(() -> !replay(store()).isEmpty() && replay(store()).get(0).attempts() == 2);
		assertThat(replay(store())).singleElement().satisfies((job) -> {
			assertThat(job.whenToRun()).isEqualTo(1_900_000_000L);
			assertThat(job.lastError()).isEqualTo("IOException: ¿dónde? 接続");
			assertThat(job.data()).isEqualTo(bytes("d"));
		});
	}

	@Test
	void buriedJobMovesFromTheQueueToTheDeadLettersWithItsStoredPayload() {
		JdbcJobStore store = store();
		awaitSuccess(add(store, job("f", "u", 0, bytes("payload"), 0, 7)));
		store.bury(letter("f", "u", 7, bytes("ignored: the row's payload moves"), true));
		awaitLetters(store, 1);
		assertThat(countRows()).isZero();
		StoredDeadLetter kept = store.deadLetters().get(onlyLetterId(store));
		assertThat(kept.function()).isEqualTo("f");
		assertThat(kept.unique()).isEqualTo("u");
		assertThat(kept.priority()).isZero();
		assertThat(kept.data()).isEqualTo(bytes("payload"));
		assertThat(kept.dataSize()).isEqualTo(7);
		assertThat(kept.attempts()).isEqualTo(3);
		assertThat(kept.firstAttemptMillis()).isEqualTo(T0);
		assertThat(kept.lastAttemptMillis()).isEqualTo(T0 + 60_000);
		assertThat(kept.lastError()).isEqualTo("IllegalStateException: ünïcode ✓");
		assertThat(kept.worker()).isEqualTo("worker-1");
	}

	@Test
	void buriedJobWithoutARowIsKeptWithThePayloadItCarries() {
		JdbcJobStore store = store();
		store.bury(letter("f", "u", 7, bytes("carried"), false));
		awaitLetters(store, 1);
		assertThat(store.deadLetters().get(onlyLetterId(store)).data()).isEqualTo(bytes("carried"));
	}

	@Test
	void moveWhoseCommitAnswerIsLostIsRepeatedAndLeavesExactlyOneLetter() throws Exception {
		JdbcJobStoreSettings settings = new JdbcJobStoreSettings().setWriters(1)
			.setTimeout(Duration.ofMillis(500))
			.setRetryInterval(Duration.ofMillis(50));
		JdbcJobStore store = store(this.controlled.dataSource(), settings);
		awaitSuccess(add(store, job("f", "u", 1, bytes("d"), 0, 7)));
		this.controlled.holdCommits();
		store.bury(letter("f", "u", 7, bytes("d"), true));
		this.controlled.awaitHeldCommit();
		// the move committed, its answer was lost: the writer writes it again once the database answers
		this.controlled.awaitCommitsReturned(2, Duration.ofSeconds(10));
		this.controlled.releaseCommits();
		await().atMost(WAIT).until(store::isAvailable);
		awaitSuccess(add(store, job("g", "after", 1, bytes("d"), 0, 8)));
		assertThat(letterCount()).isEqualTo(1);
		assertThat(replay(store())).extracting(StoredJob::function).containsExactly("g");
	}

	@Test
	void lettersArePagedByIdAndFilteredByFunctionWithoutTheirPayloads() {
		// one writer: letters get their ids in the order they were buried
		JdbcJobStore store = store(new JdbcJobStoreSettings().setWriters(1));
		for (int i = 1; i <= 5; i++) {
			store.bury(letter((i % 2 == 0) ? "even" : "odd", "u" + i, i, bytes("d" + i), false));
		}
		awaitLetters(store, 5);
		DeadLetterStore letters = store.deadLetters();
		List<StoredDeadLetter> first = letters.list(null, 0, 2);
		assertThat(first).extracting(StoredDeadLetter::unique).containsExactly("u1", "u2");
		assertThat(first).allSatisfy((letter) -> {
			assertThat(letter.data()).isEmpty();
			assertThat(letter.dataSize()).isEqualTo(2);
		});
		assertThat(letters.list(null, first.get(1).id(), 10)).extracting(StoredDeadLetter::unique)
			.containsExactly("u3", "u4", "u5");
		assertThat(letters.list("odd", 0, 10)).extracting(StoredDeadLetter::unique).containsExactly("u1", "u3", "u5");
		assertThat(letters.countByFunction()).isEqualTo(Map.of("odd", 3L, "even", 2L));
		assertThat(letters.get(Long.MAX_VALUE)).isNull();
	}

	@Test
	void requeueMovesTheLetterBackIntoTheQueueInOneTransaction() {
		JdbcJobStore store = store();
		store.bury(letter("f", "u", 7, bytes("d"), false));
		awaitLetters(store, 1);
		StoredDeadLetter letter = store.deadLetters().get(onlyLetterId(store));
		assertThat(restore(store, letter, 20)).succeedsWithin(WAIT);
		assertThat(letterCount()).isZero();
		assertThat(replay(store())).singleElement().satisfies((job) -> {
			assertThat(job.unique()).isEqualTo("u");
			assertThat(job.sequence()).isEqualTo(20);
			assertThat(job.attempts()).as("a fresh attempt count").isZero();
			assertThat(job.data()).isEqualTo(bytes("d"));
		});
		// the letter is gone: a second move fails and stores nothing
		assertThat(restore(store, letter, 21)).failsWithin(WAIT);
		assertThat(countRows()).isEqualTo(1);
	}

	@Test
	void requeueWhoseCommitAnswerIsLostIsAnsweredByWhatTheDatabaseHolds() throws Exception {
		JdbcJobStoreSettings settings = new JdbcJobStoreSettings().setTimeout(Duration.ofMillis(500))
			.setRetryInterval(Duration.ofMillis(50));
		JdbcJobStore store = store(this.controlled.dataSource(), settings);
		store.bury(letter("f", "u", 7, bytes("d"), false));
		awaitLetters(store, 1);
		StoredDeadLetter letter = store.deadLetters().get(onlyLetterId(store));
		this.controlled.holdCommits();
		CompletableFuture<Void> moved = restore(store, letter, 20);
		this.controlled.awaitHeldCommit();
		this.controlled.awaitCommitsReturned(1, Duration.ofSeconds(10));
		this.controlled.releaseCommits();
		assertThat(moved).as("the commit went through, so the job runs").succeedsWithin(WAIT);
		assertThat(letterCount()).isZero();
		assertThat(countRows()).isEqualTo(1);
	}

	@Test
	void purgeDeletesByFunctionAndAge() {
		// one writer: letters get their ids in the order they were buried
		JdbcJobStore store = store(new JdbcJobStoreSettings().setWriters(1));
		store.bury(letter("f", "old", 1, bytes("d"), false, T0));
		store.bury(letter("f", "new", 2, bytes("d"), false, T0 + 100_000));
		store.bury(letter("g", "other", 3, bytes("d"), false, T0));
		awaitLetters(store, 3);
		DeadLetterStore letters = store.deadLetters();
		assertThat(letters.purge("f", T0 + 50_000)).isEqualTo(1);
		assertThat(letters.list(null, 0, 10)).extracting(StoredDeadLetter::unique).containsExactly("new", "other");
		assertThat(letters.purge("g", Long.MAX_VALUE)).isEqualTo(1);
		assertThat(letters.purge(null, Long.MAX_VALUE)).isEqualTo(1);
		assertThat(letterCount()).isZero();
	}

	@Test
	void pruneKeepsTheNewestLettersUpToTheCountAndWithinTheAge() {
		// one writer: letters get their ids in the order they were buried
		JdbcJobStore store = store(new JdbcJobStoreSettings().setWriters(1));
		for (int i = 1; i <= 6; i++) {
			store.bury(letter("f", "u" + i, i, bytes("d"), false, T0 + i * 1000));
		}
		awaitLetters(store, 6);
		DeadLetterStore letters = store.deadLetters();
		assertThat(letters.prune(4, T0 + 1500)).isEqualTo(2);
		assertThat(letters.list(null, 0, 10)).extracting(StoredDeadLetter::unique)
			.containsExactly("u3", "u4", "u5", "u6");
		assertThat(letters.prune(10, 0)).isZero();
		assertThat(letters.delete(letters.list(null, 0, 1).get(0).id())).isTrue();
		assertThat(letterCount()).isEqualTo(3);
	}

	@Test
	void historyIsKeptByHandleAndUniqueIdInTheOrderItHappened() {
		JdbcJobStore store = store();
		byte[] result = "résultat".getBytes(StandardCharsets.UTF_8);
		store.history().record(event("H:x:1", "u", JobEvent.Type.SUBMITTED, 0, T0, null, null, 0, null));
		store.history().record(event("H:x:1", "u", JobEvent.Type.ATTEMPT_FAILED, 1, T0 + 1, "IOException: ✗", "w1", 0,
				null));
		store.history().record(event("H:x:2", "u", JobEvent.Type.RESTORED, 1, T0 + 2, null, null, 0, null));
		store.history().record(event("H:x:2", "u", JobEvent.Type.COMPLETED, 1, T0 + 3, null, "w1", result.length,
				result));
		store.history().record(event("H:x:3", "other", JobEvent.Type.SUBMITTED, 0, T0 + 4, null, null, 0, null));
		List<JobEvent> first = store.history().byHandle("H:x:1", 10);
		assertThat(first).extracting(JobEvent::type).containsExactly(JobEvent.Type.SUBMITTED,
				JobEvent.Type.ATTEMPT_FAILED);
		assertThat(first.get(1).detail()).isEqualTo("IOException: ✗");
		assertThat(first.get(1).worker()).isEqualTo("w1");
		List<JobEvent> all = store.history().byUnique("u", 10);
		assertThat(all).extracting(JobEvent::handle).containsExactly("H:x:1", "H:x:1", "H:x:2", "H:x:2");
		assertThat(all.get(3).result()).isEqualTo(result);
		assertThat(all.get(3).resultSize()).isEqualTo(result.length);
		assertThat(store.history().byUnique("u", 1)).hasSize(1);
		assertThat(store.history().prune(T0 + 3)).isEqualTo(3);
		assertThat(store.history().byUnique("u", 10)).extracting(JobEvent::type)
			.containsExactly(JobEvent.Type.COMPLETED);
	}

	private static DeadLetter letter(String function, String unique, long sequence, byte[] data, boolean stored) {
		return letter(function, unique, sequence, data, stored, T0 + 60_000);
	}

	private static DeadLetter letter(String function, String unique, long sequence, byte[] data, boolean stored,
			long diedMillis) {
		return new DeadLetter(function, unique, sequence, 0, data, 3, T0, diedMillis,
				"IllegalStateException: ünïcode ✓", "worker-1", stored);
	}

	private static JobEvent event(String handle, String unique, JobEvent.Type type, int attempt, long at,
			String detail, String worker, long resultSize, byte[] result) {
		return new JobEvent(handle, "f", unique, type, attempt, at, detail, worker, resultSize, result);
	}

	private static CompletableFuture<Void> restore(JdbcJobStore store, StoredDeadLetter letter, long sequence) {
		CompletableFuture<Void> result = new CompletableFuture<>();
		store.deadLetters().restore(letter, letter.toJob(sequence), (failure) -> {
			if (failure == null) {
				result.complete(null);
			}
			else {
				result.completeExceptionally(failure);
			}
		});
		return result;
	}

	private void awaitLetters(JdbcJobStore store, long expected) {
		await().atMost(WAIT).until(() -> letterCount() == expected);
	}

	private static long onlyLetterId(JdbcJobStore store) {
		List<StoredDeadLetter> letters = store.deadLetters().list(null, 0, 10);
		assertThat(letters).hasSize(1);
		return letters.get(0).id();
	}

	private long letterCount() {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM gearman_dead_letter")) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
