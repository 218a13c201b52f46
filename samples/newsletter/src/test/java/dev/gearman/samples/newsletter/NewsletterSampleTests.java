package dev.gearman.samples.newsletter;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import dev.gearman.client.JobHandle;
import dev.gearman.client.JobStatus;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.spring.core.DeadLetterOperations;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the sample end to end on an embedded server and H2. The demo runs at startup with a mailer that fails
 * the first attempt for every seventh reader; the job server retries those batches, and afterwards every reader
 * must have the newsletter exactly once, and only the failed addresses may have been tried twice. A batch that
 * keeps failing ends as a dead letter and runs again when an operator requeues it.
 */
@SpringBootTest(properties = { "gearman.server.retry.initial-delay=100ms", "gearman.server.retry.jitter=0" })
@EmbeddedGearmanServer
class NewsletterSampleTests {

	private static final List<String> READERS = IntStream.rangeClosed(1, 200)
		.mapToObj((i) -> "reader" + i + "@example.com")
		.toList();

	@Autowired
	private NewsletterService newsletters;

	@Autowired
	private DeliveryRepository repository;

	@Autowired
	private RecordingMailer mailer;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private GearmanTemplate gearman;

	@Test
	void demoShouldDeliverExactlyOnceRetryingOnlyTheFailedAddresses() {
		long id = this.jdbc.sql("SELECT id FROM newsletter WHERE subject = 'Gearman, done the Spring way'")
			.query(Long.class)
			.single();
		assertThat(this.newsletters.counts(id)).isEqualTo(new DeliveryCounts(0, 0, 200, 0));
		Map<String, Integer> attempts = this.jdbc.sql("SELECT email, attempts FROM delivery WHERE newsletter_id = ?")
			.param(id)
			.query((rows) -> {
				Map<String, Integer> result = new HashMap<>();
				while (rows.next()) {
					result.put(rows.getString(1), rows.getInt(2));
				}
				return result;
			});
		for (int i = 1; i <= 200; i++) {
			String email = "reader" + i + "@example.com";
			int expectedAttempts = (i % 7 == 0) ? 2 : 1;
			assertThat(this.mailer.delivered(id, email)).as("deliveries to %s", email).isEqualTo(1);
			assertThat(this.mailer.attempts(id, email)).as("attempts for %s", email).isEqualTo(expectedAttempts);
			assertThat(attempts.get(email)).as("attempts recorded for %s", email).isEqualTo(expectedAttempts);
		}
		assertThat(this.newsletters.send(id)).as("batches queued when everyone has it").isEmpty();
	}

	@Test
	void batchRunAgainShouldSendNothingTwice() throws InterruptedException {
		long id = this.repository.create("Twice", "...");
		List<JobHandle> batches = this.newsletters.send(id);
		this.newsletters.await(id, batches, Duration.ofSeconds(20));
		// as if a worker died after sending and the job server handed its batch to another worker
		JobHandle again = this.gearman.submitBackground("deliver_newsletter", new DeliveryBatch(id, READERS));
		assertThat(this.newsletters.await(id, List.of(again), Duration.ofSeconds(20)))
			.isEqualTo(new DeliveryCounts(0, 0, 200, 0));
		for (int i = 1; i <= 200; i++) {
			String email = "reader" + i + "@example.com";
			assertThat(this.mailer.delivered(id, email)).as("deliveries to %s", email).isEqualTo(1);
			assertThat(this.mailer.attempts(id, email)).as("attempts for %s", email).isEqualTo((i % 7 == 0) ? 2 : 1);
		}
	}

	@Test
	void progressShouldBeVisibleWhileABatchRuns() throws InterruptedException {
		long id = this.repository.create("Progress", "...");
		// the sixth address of the second batch of 25 (addresses go out in the database's order)
		String gate = READERS.stream().sorted().toList().get(30);
		this.mailer.holdAt(id, gate);
		List<JobHandle> batches = this.newsletters.send(id);
		assertThat(batches).hasSize(8);

		JobStatus second = awaitStatus(batches.get(1), (status) -> status.running() && status.numerator() == 5);
		assertThat(second.denominator()).isEqualTo(25);
		assertThat(this.newsletters.counts(id).sending()).isPositive();

		this.mailer.release();
		// the batches with failed addresses were retried by the job server: nothing left to send again
		assertThat(this.newsletters.await(id, batches, Duration.ofSeconds(20)))
			.isEqualTo(new DeliveryCounts(0, 0, 200, 0));
		assertThat(this.newsletters.send(id)).isEmpty();
		assertThat(READERS).allSatisfy((email) -> assertThat(this.mailer.delivered(id, email)).isEqualTo(1));
	}

	@Test
	void batchThatKeepsFailingShouldEndAsADeadLetterAndRunOnceRequeued() throws InterruptedException {
		long id = this.repository.create("Bounced", "...");
		this.mailer.refuse(id, "reader10@example.com");
		List<JobHandle> batches = this.newsletters.send(id);
		assertThat(this.newsletters.await(id, batches, Duration.ofSeconds(20)))
			.isEqualTo(new DeliveryCounts(0, 0, 199, 1));
		DeadLetterOperations deadLetters = this.gearman.deadLetters();
		StoredDeadLetter letter = deadLetters.list("deliver_newsletter", 0, 10).get(0);
		assertThat(letter.attempts()).isEqualTo(4);
		assertThat(letter.lastError()).isEqualTo("java.lang.IllegalStateException: 1 of 25 addresses failed, e.g. 550"
				+ " mailbox unavailable");
		// the operator fixes the address and requeues the batch: only that address is sent to
		this.mailer.refuse(id, "");
		List<JobHandle> requeued = this.newsletters.requeueDeadBatches();
		assertThat(requeued).hasSize(1);
		assertThat(this.newsletters.await(id, requeued, Duration.ofSeconds(20)))
			.isEqualTo(new DeliveryCounts(0, 0, 200, 0));
		assertThat(this.mailer.attempts(id, "reader10@example.com")).isEqualTo(5);
		assertThat(READERS).allSatisfy((email) -> assertThat(this.mailer.delivered(id, email)).isEqualTo(1));
		assertThat(deadLetters.counts()).isEmpty();
	}

	@Test
	void batchOfANewsletterThatIsGoneShouldNotBeRetried() {
		JobHandle batch = this.gearman.submitBackground("deliver_newsletter", new DeliveryBatch(424242, READERS));
		DeadLetterOperations deadLetters = this.gearman.deadLetters();
		await("the batch " + batch + " died").atMost(Duration.ofSeconds(20))
			.until(() -> !deadLetters.list("deliver_newsletter", 0, 10).isEmpty());
		StoredDeadLetter letter = deadLetters.list("deliver_newsletter", 0, 10).get(0);
		assertThat(letter.attempts()).isEqualTo(1);
		assertThat(letter.lastError()).isEqualTo("[no-retry] newsletter 424242 does not exist");
		deadLetters.delete(letter.id());
	}

	private JobStatus awaitStatus(JobHandle batch, Predicate<JobStatus> condition)
			throws InterruptedException {
		Instant deadline = Instant.now().plusSeconds(20);
		JobStatus status = this.newsletters.progress(List.of(batch)).get(0);
		while (!condition.test(status)) {
			assertThat(Instant.now()).as("last status %s", status).isBefore(deadline);
			Thread.sleep(20);
			status = this.newsletters.progress(List.of(batch)).get(0);
		}
		return status;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class MailerConfiguration {

		@Bean
		@Primary
		RecordingMailer recordingMailer() {
			return new RecordingMailer();
		}

	}

	/**
	 * Fails the first attempt for every seventh reader, counts attempts and deliveries, and can hold a send
	 * until released.
	 */
	static class RecordingMailer implements Mailer {

		private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

		private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();

		private final CountDownLatch released = new CountDownLatch(1);

		private volatile String holdAt = "";

		private volatile String refused = "";

		@Override
		public void send(Newsletter newsletter, String email) {
			String key = newsletter.id() + " " + email;
			int attempt = this.attempts.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			if (key.equals(this.holdAt)) {
				await();
			}
			if (key.equals(this.refused)) {
				throw new IllegalStateException("550 mailbox unavailable");
			}
			int reader = Integer.parseInt(email.substring("reader".length(), email.indexOf('@')));
			if (reader % 7 == 0 && attempt == 1) {
				throw new IllegalStateException("451 try again later");
			}
			this.delivered.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		}

		/** Every attempt to this address fails from now on; an empty address ends that. */
		void refuse(long newsletterId, String email) {
			this.refused = newsletterId + " " + email;
		}

		void holdAt(long newsletterId, String email) {
			this.holdAt = newsletterId + " " + email;
		}

		void release() {
			this.released.countDown();
		}

		int attempts(long newsletterId, String email) {
			AtomicInteger count = this.attempts.get(newsletterId + " " + email);
			return (count != null) ? count.get() : 0;
		}

		int delivered(long newsletterId, String email) {
			AtomicInteger count = this.delivered.get(newsletterId + " " + email);
			return (count != null) ? count.get() : 0;
		}

		private void await() {
			try {
				this.released.await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
