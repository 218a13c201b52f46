package dev.gearman.server.interop;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.TestServers;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.operations.OperatorText;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retries and dead letters with real workers, one per way an attempt goes wrong: PHP's gearman extension sending
 * WORK_FAIL and WORK_EXCEPTION, the {@code gearman} CLI worker whose command fails, a PHP worker process killed in
 * the middle of a job, a PHP worker past its CAN_DO_TIMEOUT, and our Java worker throwing. Background jobs are
 * submitted with the {@code gearman} CLI; the outcome is read over the admin protocol.
 */
class RetryInteropTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** Three attempts, the next at once (real workers, real time: no backoff to wait out), dead letters on. */
	private static final RetryPolicy THREE_ATTEMPTS = new RetryPolicy(3, EnumSet.allOf(FailureKind.class),
			Duration.ZERO, 1, Duration.ZERO, 0, false, true);

	private static GearmanServer server;

	private Peers peers;

	@TempDir
	private Path dir;

	@BeforeAll
	static void startServer() {
		Peers.requireGearmanTools();
		Peers.requirePhpGearman();
		server = TestServers.start((settings) -> {
			settings.setRetryRules(RetryRules.of(THREE_ATTEMPTS));
			settings.getHistory().setEnabled(true);
		});
	}

	@AfterAll
	static void stopServer() {
		if (server != null) {
			server.stop();
		}
	}

	@BeforeEach
	void createPeers() {
		this.peers = new Peers(server.port(), this.dir);
	}

	@AfterEach
	void closePeers() {
		this.peers.close();
	}

	@Test
	void phpWorkerThatFailsTwiceShouldSucceedOnTheThirdAttempt() {
		String function = Peers.uniqueFunction("php-flaky");
		ExternalProcess worker = this.peers.phpWorker("flaky", function, "failures=2", "count=3");
		this.peers.awaitWorkers(function, 1);
		submitBackground(function, "flaky-1", "letter");
		worker.awaitSuccess(Peers.PROCESS_TIMEOUT);
		List<JobEvent> story = awaitStory("flaky-1", JobEvent.Type.COMPLETED);
		assertThat(story).extracting(JobEvent::type).containsExactly(JobEvent.Type.SUBMITTED,
				JobEvent.Type.ATTEMPT_FAILED, JobEvent.Type.ATTEMPT_FAILED, JobEvent.Type.COMPLETED);
		assertThat(story.get(1).detail()).isEqualTo("failed");
		assertThat(story.get(3).result()).isEqualTo("done:letter".getBytes(StandardCharsets.UTF_8));
		assertThat(deadLetters(function)).isEmpty();
	}

	@Test
	void phpExceptionsShouldEndInTheDeadLettersWithTheirTextAndRequeueShouldRunTheJobAgain() throws Exception {
		String function = Peers.uniqueFunction("php-exception");
		ExternalProcess failing = this.peers.phpWorker("exception", function, "count=3");
		this.peers.awaitWorkers(function, 1);
		submitBackground(function, "exception-1", "payload");
		failing.awaitSuccess(Peers.PROCESS_TIMEOUT);
		StoredDeadLetter letter = awaitOneLetter(function);
		assertThat(letter.attempts()).isEqualTo(3);
		assertThat(letter.lastError()).isEqualTo("boom");
		assertThat(letter.unique()).isEqualTo("exception-1");
		// the operator requeues it, as with nc; a healthy worker runs it
		Path log = this.dir.resolve("requeued.log");
		this.peers.phpWorker("log", function, "log=" + log);
		assertThat(this.peers.admin("dead requeue " + letter.id(), false)).startsWith("OK ");
		await().atMost(WAIT).until(() -> Files.exists(log) && Files.readString(log).equals("payload\n"));
		assertThat(deadLetters(function)).isEmpty();
		assertThat(awaitStory("exception-1", JobEvent.Type.COMPLETED)).extracting(JobEvent::type).containsSequence(
				JobEvent.Type.DEAD, JobEvent.Type.REQUEUED, JobEvent.Type.COMPLETED);
	}

	@Test
	void cliWorkerWhoseCommandFailsShouldUseUpItsAttempts() {
		String function = Peers.uniqueFunction("cli-false");
		// the CLI worker sends WORK_FAIL when its command fails, then exits: one worker per attempt
		for (int i = 0; i < 3; i++) {
			this.peers.spawn(this.peers.gearman("-w", "-f", function, "-c", "1", "--", "false"));
		}
		this.peers.awaitWorkers(function, 3);
		submitBackground(function, "cli-1", "x");
		StoredDeadLetter letter = awaitOneLetter(function);
		assertThat(letter.attempts()).isEqualTo(3);
		assertThat(letter.lastError()).isEqualTo("failed");
	}

	@Test
	void workerKilledInTheMiddleOfAJobShouldCountAnAttemptAndTheJobRunOnAnotherWorker() throws Exception {
		String function = Peers.uniqueFunction("killed");
		// a PHP worker, a single process: killed, it cannot report anything (the gearman CLI worker would notice
		// its command's death first and send a result)
		ExternalProcess doomed = this.peers.phpWorker("sleep", function, "seconds=60");
		this.peers.awaitWorkers(function, 1);
		submitBackground(function, "killed-1", "work");
		this.peers.awaitStatus(function, 1, 1, 1);
		doomed.close();
		this.peers.awaitWorkers(function, 0);
		Path log = this.dir.resolve("after-kill.log");
		this.peers.phpWorker("log", function, "log=" + log);
		await().atMost(WAIT).until(() -> Files.exists(log) && Files.readString(log).equals("work\n"));
		List<JobEvent> story = awaitStory("killed-1", JobEvent.Type.COMPLETED);
		assertThat(story).extracting(JobEvent::type).containsExactly(JobEvent.Type.SUBMITTED,
				JobEvent.Type.ATTEMPT_FAILED, JobEvent.Type.COMPLETED);
		assertThat(story.get(1).detail()).isEqualTo("worker lost");
	}

	@Test
	void phpWorkerPastItsTimeoutShouldCountAnAttemptEachTime() {
		String function = Peers.uniqueFunction("php-timeout");
		// CAN_DO_TIMEOUT 200 ms, and each job sleeps 2 s: every attempt times out, and the next one goes to another
		// worker (a PHP worker is busy until its sleep ends)
		for (int i = 0; i < 3; i++) {
			this.peers.phpWorker("sleep", function, "timeout=200", "seconds=2");
		}
		this.peers.awaitWorkers(function, 3);
		submitBackground(function, "timeout-1", "slow");
		StoredDeadLetter letter = awaitOneLetter(function);
		assertThat(letter.attempts()).isEqualTo(3);
		assertThat(letter.lastError()).isEqualTo("timed out");
	}

	@Test
	void javaWorkerThatThrowsShouldLeaveTheExceptionTextInTheDeadLetter() {
		String function = Peers.uniqueFunction("java-throws");
		String address = Peers.HOST + ":" + server.port();
		try (GearmanWorker worker = new GearmanWorker(GearmanWorkerSettings.of(address).withClientId("java-w"));
				GearmanClient client = new GearmanClient(GearmanClientSettings.of(address))) {
			worker.register(function, (job) -> {
				throw new IllegalArgumentException("no such account: " + job.payloadAsString());
			});
			worker.start();
			client.submitBackground(JobRequest.of(function, "42".getBytes(StandardCharsets.UTF_8)).withUnique("acct"))
				.join();
			StoredDeadLetter letter = awaitOneLetter(function);
			assertThat(letter.lastError()).isEqualTo("java.lang.IllegalArgumentException: no such account: 42");
			assertThat(letter.worker()).isEqualTo("java-w");
			assertThat(letter.attempts()).isEqualTo(3);
		}
	}

	private void submitBackground(String function, String unique, String payload) {
		this.peers.run(this.peers.gearman("-b", "-f", function, "-u", unique, payload), null);
	}

	private List<StoredDeadLetter> deadLetters(String function) {
		return this.peers.admin("dead list " + function, true).lines()
			.filter((line) -> !".".equals(line))
			.map(OperatorText::letter)
			.toList();
	}

	private StoredDeadLetter awaitOneLetter(String function) {
		await().atMost(WAIT).until(() -> deadLetters(function).size() == 1);
		return deadLetters(function).get(0);
	}

	/** The history of a unique id once it holds an event of a type. */
	private List<JobEvent> awaitStory(String unique, JobEvent.Type last) {
		await().atMost(WAIT).until(() -> story(unique).stream().anyMatch((event) -> event.type() == last));
		return story(unique);
	}

	private List<JobEvent> story(String unique) {
		return this.peers.admin("history unique " + unique, true).lines()
			.filter((line) -> !".".equals(line))
			.map(OperatorText::event)
			.toList();
	}

}
