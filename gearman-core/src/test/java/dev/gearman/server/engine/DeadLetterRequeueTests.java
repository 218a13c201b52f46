package dev.gearman.server.engine;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletionException;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import dev.gearman.server.store.StoredDeadLetter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dead letters of a store that keeps none (kept in memory, bounded) and their requeue: the job runs again with a
 * fresh attempt count, its unique id and priority, and a requeue that would run a job twice is refused.
 */
class DeadLetterRequeueTests extends EngineTestSupport {

	private static final RetryPolicy TWO_ATTEMPTS = new RetryPolicy(2, EnumSet.allOf(FailureKind.class),
			Duration.ofSeconds(1), 2, Duration.ofMinutes(1), 0, false, true);

	@BeforeEach
	void useRetries() {
		this.settings.setRetryRules(RetryRules.of(TWO_ATTEMPTS));
	}

	@Test
	void jobThatUsedUpItsAttemptsShouldBeKeptInMemoryWhenTheStoreKeepsNoDeadLetters() {
		TestPeer worker = worker("f");
		worker.send(PacketType.SET_CLIENT_ID, "w1");
		String handle = submit(peer(), PacketType.SUBMIT_JOB_HIGH_BG, "f", "u", "data");
		killTwice(worker, handle);
		List<StoredDeadLetter> letters = engine().deadLetters().list(null, 0, 10);
		assertThat(letters).singleElement().satisfies((letter) -> {
			assertThat(letter.function()).isEqualTo("f");
			assertThat(letter.unique()).isEqualTo("u");
			assertThat(letter.priority()).isZero();
			assertThat(letter.attempts()).isEqualTo(2);
			assertThat(letter.lastError()).isEqualTo("IllegalStateException: broken");
			assertThat(letter.worker()).isEqualTo("w1");
			assertThat(letter.dataSize()).isEqualTo(4);
			assertThat(letter.data()).as("listings leave the payload out").isEmpty();
		});
		assertThat(engine().deadLetters().get(letters.get(0).id()).dataAsText()).isEqualTo("data");
	}

	@Test
	void requeuedLetterShouldRunAgainWithAFreshAttemptCountItsUniqueIdAndPriority() {
		TestPeer worker = worker("f");
		String handle = submit(peer(), PacketType.SUBMIT_JOB_HIGH_BG, "f", "u", "data");
		killTwice(worker, handle);
		StoredDeadLetter letter = onlyLetter();
		String requeued = engine().requeue(letter).join();
		assertThat(requeued).isEqualTo(handle(2));
		assertThat(engine().deadLetters().list(null, 0, 10)).isEmpty();
		assertThat(admin("prioritystatus")).isEqualTo("f\t1\t0\t0\t1\n.\n");
		TestPeer client = peer();
		client.send(PacketType.GET_STATUS_UNIQUE, "u");
		client.expect(PacketType.STATUS_RES_UNIQUE, "u", "1", "0", "0", "0", "0");
		assertAssigned(grab(worker), requeued, "f", "data");
		worker.send(PacketType.WORK_FAIL, requeued);
		assertThat(showJobs()).as("a fresh attempt count: the first failure waits to be retried")
			.isEqualTo(requeued + "\t1\t0\t0\n.\n");
	}

	@Test
	void requeueShouldBeRefusedWhileALiveJobHasTheLettersUniqueId() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		killTwice(worker, handle);
		submitBg(peer(), "f", "u", "newer");
		assertThatThrownBy(() -> engine().requeue(onlyLetter()).join()).isInstanceOf(CompletionException.class)
			.hasMessageContaining("unique id: u (expected: one no live job of 'f' has)");
		assertThat(engine().deadLetters().list(null, 0, 10)).as("the letter stays").hasSize(1);
	}

	@Test
	void secondRequeueOfOneLetterShouldFailAndRunTheJobOnce() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "", "data");
		killTwice(worker, handle);
		StoredDeadLetter letter = onlyLetter();
		assertThat(letter.unique()).as("a generated key").startsWith(StoreWrites.GENERATED_KEY_PREFIX);
		engine().requeue(letter).join();
		assertThatThrownBy(() -> engine().requeue(letter).join())
			.hasMessageContaining("dead letter: " + letter.id() + " (expected: one that is kept)");
		assertThat(status()).isEqualTo("f\t1\t0\t1\n.\n");
		assertThat(census().jobs()).isEqualTo(1);
	}

	@Test
	void requeueShouldBeRefusedWhileTheServerDrains() {
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		killTwice(worker, handle);
		engine().drain();
		assertThatThrownBy(() -> engine().requeue(onlyLetter()).join())
			.hasMessageContaining("the server is shutting down");
	}

	@Test
	void lettersInMemoryShouldBeBoundedByCountTheOldestGoingFirst() {
		this.settings.getDeadLetters().setMaxCount(2);
		TestPeer worker = worker("f");
		for (String unique : List.of("a", "b", "c")) {
			String handle = submitBg(peer(), "f", unique, "data");
			killTwice(worker, handle);
		}
		assertThat(engine().deadLetters().list(null, 0, 10)).extracting(StoredDeadLetter::unique)
			.containsExactly("b", "c");
	}

	@Test
	void hostileWorkerShouldLeaveOnlyBoundedTextInTheDeadLetters() {
		TestPeer worker = worker("f");
		worker.send(PacketType.SET_CLIENT_ID, "w".repeat(100_000));
		String handle = submitBg(peer(), "f", "u", "data");
		for (int attempt = 1; attempt <= 2; attempt++) {
			advance(Duration.ofMinutes(1));
			grab(worker);
			worker.sendData(PacketType.WORK_EXCEPTION, "x".repeat(100_000), handle);
		}
		sync();
		StoredDeadLetter letter = onlyLetter();
		assertThat(letter.worker()).hasSizeLessThanOrEqualTo(StoreWrites.MAX_WORKER_ID_LENGTH);
		assertThat(letter.lastError()).hasSize(FailedAttempts.MAX_ERROR_LENGTH);
	}

	/** Two attempts that end in WORK_EXCEPTION, a backoff between them: the job dies. */
	private void killTwice(TestPeer worker, String handle) {
		for (int attempt = 1; attempt <= 2; attempt++) {
			advance(Duration.ofMinutes(1));
			assertThat(TestPeer.args(grab(worker)).get(0)).isEqualTo(handle);
			worker.sendData(PacketType.WORK_EXCEPTION, "IllegalStateException: broken", handle);
		}
		sync();
	}

	private StoredDeadLetter onlyLetter() {
		List<StoredDeadLetter> letters = engine().deadLetters().list(null, 0, 10);
		assertThat(letters).hasSize(1);
		return engine().deadLetters().get(letters.get(0).id());
	}

}
