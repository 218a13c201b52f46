package dev.gearman.server.engine;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import dev.gearman.server.store.DeadLetter;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retries with backoff and dead letters: a failed background job waits (stored) and runs again when due, by the
 * engine's clock; once its attempts are used up it moves to the dead letters; foreground clients get the failure at
 * once.
 */
class RetryTests extends EngineTestSupport {

	private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, EnumSet.allOf(FailureKind.class),
			Duration.ofSeconds(10), 2, Duration.ofMinutes(5), 0, false, true);

	private final RecordingStore rows = new RecordingStore();

	@BeforeEach
	void useRetries() {
		this.settings.setRetryRules(RetryRules.of(THREE_ATTEMPTS));
		this.store = this.rows;
	}

	@Test
	void failedBackgroundJobShouldWaitItsBackoffThenRunAgainAndEndAsADeadLetter() {
		TestPeer worker = worker("f");
		worker.send(PacketType.SET_CLIENT_ID, "worker-1");
		String handle = submitBg(peer(), "f", "u", "data");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		assertThat(showJobs()).isEqualTo(handle + "\t1\t0\t1\n.\n");
		assertThat(this.rows.retries).containsExactly("f/u attempts=1 error=failed");
		expectNoJob(worker);
		worker.send(PacketType.PRE_SLEEP);
		advance(Duration.ofMillis(9_999));
		worker.expectNoMessage();
		advance(Duration.ofMillis(1));
		worker.expect(PacketType.NOOP);
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, "IllegalStateException: still broken", handle);
		advance(Duration.ofSeconds(19));
		expectNoJob(worker);
		advance(Duration.ofSeconds(1));
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		sync();
		assertThat(this.rows.dead).singleElement().satisfies((letter) -> {
			assertThat(letter.function()).isEqualTo("f");
			assertThat(letter.unique()).isEqualTo("u");
			assertThat(letter.attempts()).isEqualTo(3);
			assertThat(letter.lastError()).isEqualTo("failed");
			assertThat(letter.worker()).isEqualTo("worker-1");
			assertThat(letter.stored()).isTrue();
			assertThat(TestPeer.text(letter.data())).isEqualTo("data");
		});
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void workerThatAsksNotToRetryShouldSendTheJobToTheDeadLettersAtOnce() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, RetryPolicy.NO_RETRY_MARKER + " negative amount", handle);
		sync();
		assertThat(this.rows.dead).singleElement()
			.satisfies((letter) -> assertThat(letter.lastError()).isEqualTo("[no-retry] negative amount"));
	}

	@Test
	void lostWorkerShouldCountAnAttemptAndRunTheJobAgainAtOnce() {
		String handle = submitBg(peer(), "f", "u", "data");
		for (int i = 1; i <= 2; i++) {
			TestPeer worker = worker("f");
			grab(worker);
			worker.disconnect();
		}
		TestPeer last = worker("f");
		assertAssigned(grab(last), handle, "f", "data");
		last.disconnect();
		sync();
		assertThat(this.rows.dead).singleElement().satisfies((letter) -> {
			assertThat(letter.attempts()).isEqualTo(3);
			assertThat(letter.lastError()).isEqualTo("worker lost");
		});
	}

	@Test
	void workerPastItsTimeoutShouldCountAnAttempt() {
		this.settings.setRetryRules(RetryRules.of(new RetryPolicy(1, EnumSet.allOf(FailureKind.class),
				Duration.ofSeconds(1), 2, Duration.ZERO, 0, false, true)));
		TestPeer slow = peer();
		slow.send(PacketType.CAN_DO_TIMEOUT, "f", "100");
		submitBg(peer(), "f", "u", "data");
		grab(slow);
		advance(Duration.ofMillis(100));
		sync();
		assertThat(this.rows.dead).singleElement()
			.satisfies((letter) -> assertThat(letter.lastError()).isEqualTo("timed out"));
	}

	@Test
	void foregroundClientShouldGetTheFailureAtOnce() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "data");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		client.expect(PacketType.WORK_FAIL, handle);
		assertThat(showJobs()).isEqualTo(".\n");
		assertThat(this.rows.dead).as("no dead letters for foreground jobs").isEmpty();
	}

	@Test
	void waitingJobShouldBeCancellable() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		assertThat(admin("cancel job " + handle)).isEqualTo("OK\r\n");
		advance(Duration.ofMinutes(1));
		expectNoJob(worker);
		assertThat(this.rows.removed).containsExactly("f/u");
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void storedJobWaitingToRetryShouldStillWaitAfterARestart() {
		long due = this.clock.currentTimeMillis() / 1000 + 30;
		this.rows.replay = List.of(new StoredJob("f", "u", 1, TestPeer.bytes("data"), due, 7, 2, "failed"));
		assertThat(engine().replay()).isEqualTo(1);
		assertThat(showJobs()).isEqualTo(handle(1) + "\t2\t0\t1\n.\n");
		TestPeer worker = worker("f");
		expectNoJob(worker);
		advance(Duration.ofSeconds(31));
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle(1));
		sync();
		assertThat(this.rows.dead).singleElement().satisfies((letter) -> assertThat(letter.attempts()).isEqualTo(3));
	}

	@Test
	void functionOverrideShouldApplyToItsFunctionsOnly() {
		this.settings.setRetryRules(new RetryRules(RetryPolicy.GEARMAND, Map.of("billing.*", THREE_ATTEMPTS)));
		TestPeer worker = worker("billing.charge", "other");
		String billed = submitBg(peer(), "billing.charge", "b", "1");
		String other = submitBg(peer(), "other", "o", "2");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, billed);
		grab(worker);
		worker.send(PacketType.WORK_FAIL, other);
		assertThat(showJobs()).isEqualTo(billed + "\t1\t0\t1\n.\n");
		assertThat(this.rows.dead).as("gearmand's behaviour: a failed job just ends").isEmpty();
	}

	/** A durable store that acknowledges at once and records what the engine asks of it. */
	static final class RecordingStore implements JobStore {

		final List<String> retries = new CopyOnWriteArrayList<>();

		final List<String> removed = new CopyOnWriteArrayList<>();

		final List<DeadLetter> dead = new CopyOnWriteArrayList<>();

		List<StoredJob> replay = List.of();

		@Override
		public boolean isDurable() {
			return true;
		}

		@Override
		public void add(StoredJob job, Consumer<Throwable> callback) {
			callback.accept(null);
		}

		@Override
		public void remove(String function, String unique, long sequence) {
			this.removed.add(function + "/" + unique);
		}

		@Override
		public void retryLater(String function, String unique, long sequence, int attempts, long whenToRun,
				String lastError) {
			this.retries.add(function + "/" + unique + " attempts=" + attempts + " error=" + lastError);
		}

		@Override
		public void bury(DeadLetter letter) {
			this.dead.add(letter);
		}

		@Override
		public void replay(Consumer<StoredJob> sink) {
			this.replay.forEach(sink);
		}

	}

}
