package dev.gearman.server.operations;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.connection.ServerAddress;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.RawConnection;
import dev.gearman.server.TestServers;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import dev.gearman.server.access.AccessRules;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.worker.DoNotRetryException;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The operator admin commands on a real server, over a raw socket as {@code nc} sends them and through the client's
 * admin API: dead letters listed, shown, requeued, deleted and purged, job history, their errors and their bounds.
 */
class OperatorCommandsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** Three attempts with no wait between them, dead letters on. */
	private static final RetryPolicy THREE_QUICK_ATTEMPTS = new RetryPolicy(3, EnumSet.allOf(FailureKind.class),
			Duration.ZERO, 1, Duration.ZERO, 0, false, true);

	private GearmanServer server;

	private GearmanWorker worker;

	private GearmanClient client;

	/** Workloads the worker saw, in order. */
	private final List<String> seen = new CopyOnWriteArrayList<>();

	/** What the worker does with the next jobs: throw, or complete. */
	private volatile boolean broken = true;

	@AfterEach
	void stop() {
		if (this.worker != null) {
			this.worker.close();
		}
		if (this.client != null) {
			this.client.close();
		}
		if (this.server != null) {
			this.server.stop();
		}
	}

	@Test
	void deadLettersShouldBeListedShownAndPurgedOverTheTextProtocol() {
		start((settings) -> {
		});
		String f = submitAndAwaitDeath("f", "u1", "one");
		submitAndAwaitDeath("f", "u2", "two");
		submitAndAwaitDeath("g", "u3", "three");
		assertThat(admin("dead status", true)).isEqualTo("f\t2\ng\t1\n.\n");
		List<String> lines = admin("dead list", true).lines().toList();
		assertThat(lines).hasSize(4).last().isEqualTo(".");
		StoredDeadLetter first = OperatorText.letter(lines.get(0));
		assertThat(first.function()).isEqualTo("f");
		assertThat(first.unique()).isEqualTo("u1");
		assertThat(first.attempts()).isEqualTo(3);
		assertThat(first.lastError()).isEqualTo("java.lang.IllegalStateException: broken\tand\nmultiline");
		assertThat(first.worker()).isEqualTo("operator-test-worker");
		assertThat(first.dataSize()).isEqualTo(3);
		assertThat(admin("dead list g", true).lines()).hasSize(2).first().asString().contains("\tu3\t");
		assertThat(admin("dead list * " + first.id() + " 1", true).lines())
			.as("a page of one after the first").hasSize(2).first().asString().contains("\tu2\t");
		String shown = admin("dead show " + first.id(), true);
		StoredDeadLetter withData = OperatorText.letter(shown.lines().findFirst().orElseThrow());
		assertThat(new String(withData.data(), StandardCharsets.UTF_8)).isEqualTo("one");
		assertThat(shown).contains("\t" + Base64.getEncoder().encodeToString("one".getBytes(StandardCharsets.UTF_8)));
		assertThat(admin("dead purge function g", false)).isEqualTo("OK 1\n");
		assertThat(admin("dead purge older-than 3600", false)).as("none is that old").isEqualTo("OK 0\n");
		assertThat(admin("dead delete " + first.id(), false)).isEqualTo("OK\r\n");
		assertThat(admin("dead purge", false)).isEqualTo("OK 1\n");
		assertThat(admin("dead status", true)).isEqualTo(".\n");
		assertThat(f).isNotEmpty();
	}

	@Test
	void requeuedLetterShouldRunAgainAndItsHistoryTellTheWholeStory() {
		start((settings) -> settings.getHistory().setEnabled(true));
		String handle = submitAndAwaitDeath("f", "order-7", "payload");
		long id = OperatorText.letter(admin("dead list f", true).lines().findFirst().orElseThrow()).id();
		this.broken = false;
		String reply = admin("dead requeue " + id, false);
		assertThat(reply).startsWith("OK H:");
		String requeued = reply.substring(3).trim();
		await().atMost(WAIT).until(() -> this.seen.size() == 4);
		assertThat(this.seen).containsExactly("payload", "payload", "payload", "payload");
		await().atMost(WAIT).until(() -> admin("history handle " + requeued, true).contains("\tCOMPLETED\t"));
		List<JobEvent> story = admin("history unique order-7", true).lines()
			.filter((line) -> !".".equals(line))
			.map(OperatorText::event)
			.toList();
		assertThat(story).extracting(JobEvent::type).containsExactly(JobEvent.Type.SUBMITTED,
				JobEvent.Type.ATTEMPT_FAILED, JobEvent.Type.ATTEMPT_FAILED, JobEvent.Type.DEAD, JobEvent.Type.REQUEUED,
				JobEvent.Type.COMPLETED);
		assertThat(story).extracting(JobEvent::handle).containsExactly(handle, handle, handle, handle, requeued,
				requeued);
		assertThat(story.get(5).attempt()).as("a fresh attempt count").isZero();
		assertThat(story.get(5).result()).isEqualTo("done:payload".getBytes(StandardCharsets.UTF_8));
		assertThat(admin("dead status", true)).isEqualTo(".\n");
	}

	@Test
	void requeueOfAWholeFunctionShouldQueueEveryLetterOfIt() {
		start((settings) -> {
		});
		for (int i = 0; i < 5; i++) {
			submitAndAwaitDeath("f", "u" + i, "p" + i);
		}
		submitAndAwaitDeath("g", "other", "x");
		this.broken = false;
		this.seen.clear();
		assertThat(admin("dead requeue function f", false)).isEqualTo("OK 5 0\n");
		await().atMost(WAIT).until(() -> this.seen.size() == 5);
		assertThat(this.seen).containsExactlyInAnyOrder("p0", "p1", "p2", "p3", "p4");
		assertThat(admin("dead status", true)).isEqualTo("g\t1\n.\n");
	}

	@Test
	void workerThatSaysDoNotRetryShouldSendTheJobToTheDeadLettersAfterOneAttempt() {
		start((settings) -> {
		});
		this.worker.register("declined", (job) -> {
			this.seen.add(job.payloadAsString());
			throw new IllegalStateException("wrapped", new DoNotRetryException("card declined"));
		});
		this.client.submitBackground(JobRequest.of("declined", "card-1".getBytes(StandardCharsets.UTF_8))).join();
		await().atMost(WAIT).until(() -> admin("dead status", true).contains("declined\t1"));
		StoredDeadLetter letter = OperatorText.letter(admin("dead list declined", true).lines().findFirst().orElseThrow());
		assertThat(letter.attempts()).isEqualTo(1);
		assertThat(letter.lastError()).isEqualTo("[no-retry] card declined");
		assertThat(this.seen).containsExactly("card-1");
	}

	@Test
	void clientAdminApiShouldReadTheLinesAndTurnErrLinesIntoExceptions() {
		start((settings) -> {
		});
		submitAndAwaitDeath("f", "u", "data");
		ServerAddress server = this.client.servers().get(0);
		List<String> lines = this.client.adminList(server, "dead list").join();
		assertThat(lines).hasSize(1);
		assertThat(OperatorText.letter(lines.get(0)).unique()).isEqualTo("u");
		assertThat(this.client.admin(server, "dead purge").join()).isEqualTo("OK 1");
		assertThatThrownBy(() -> this.client.admin(server, "dead requeue 424242").join())
			.isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(OperationFailedException.class, (failure) -> {
				assertThat(failure.code()).isEqualTo(OperationFailedException.Code.NO_SUCH_DEAD_LETTER);
				assertThat(failure.getMessage()).isEqualTo("dead letter: 424242 (expected: the id of a kept letter)");
			});
	}

	@Test
	void malformedCommandsShouldGetOneErrLineEach() {
		start((settings) -> {
		});
		assertThat(admin("dead requeue 99", false))
			.isEqualTo("ERR NO_SUCH_DEAD_LETTER dead+letter:+99+(expected:+the+id+of+a+kept+letter)\r\n");
		assertThat(admin("dead frob", false)).startsWith("ERR INVALID_ARGUMENTS dead:+frob+(expected:");
		assertThat(admin("dead list f x", false)).startsWith("ERR INVALID_ARGUMENTS after+id:+x");
		assertThat(admin("dead show -1", false)).startsWith("ERR INVALID_ARGUMENTS dead+letter+id:+-1");
		assertThat(admin("dead purge function", false)).startsWith("ERR INVALID_ARGUMENTS");
		assertThat(admin("history job x", false)).startsWith("ERR INVALID_ARGUMENTS history:+job");
		assertThat(admin("version", false)).as("gearmand's commands still answer").startsWith("OK ");
	}

	@Test
	void identityWithReadAccessShouldListButNotChangeTheDeadLetters() {
		start((settings) -> settings.setAccessPolicy(AccessRules.builder()
			.rule("*", (rule) -> rule.submit("*").work("*").admin(AdminAccess.READ))
			.build()));
		submitAndAwaitDeath("f", "u", "data");
		assertThat(admin("dead status", true)).isEqualTo("f\t1\n.\n");
		assertThat(admin("dead purge", false)).startsWith("ERR PERMISSION_DENIED");
		assertThat(admin("dead requeue function f", false)).startsWith("ERR PERMISSION_DENIED");
		assertThat(admin("dead status", true)).isEqualTo("f\t1\n.\n");
	}

	@Test
	void floodOfQueriesOnOneConnectionShouldBeAnsweredWhileOthersAreServed() throws Exception {
		start((settings) -> {
		});
		submitAndAwaitDeath("f", "u", "data");
		int flood = 2000;
		try (Socket attacker = new Socket(TestServers.HOST, this.server.port())) {
			attacker.setSoTimeout((int) WAIT.toMillis());
			StringBuilder lines = new StringBuilder();
			for (int i = 0; i < flood; i++) {
				lines.append("dead list * 0 100000\n");
			}
			attacker.getOutputStream().write(lines.toString().getBytes(StandardCharsets.US_ASCII));
			// meanwhile another operator is served
			assertThat(admin("dead status", true)).isEqualTo("f\t1\n.\n");
			BufferedReader replies = new BufferedReader(
					new InputStreamReader(attacker.getInputStream(), StandardCharsets.UTF_8));
			int answered = 0;
			int busy = 0;
			for (int i = 0; i < flood; i++) {
				String line = replies.readLine();
				if (line.startsWith("ERR BUSY")) {
					busy++;
					continue;
				}
				int letters = 0;
				while (!".".equals(line)) {
					letters++;
					line = replies.readLine();
				}
				assertThat(letters).isEqualTo(1);
				answered++;
			}
			assertThat(answered + busy).isEqualTo(flood);
			assertThat(answered).isPositive();
		}
	}

	private void start(Consumer<GearmanServerSettings> customizer) {
		this.server = TestServers.start((settings) -> {
			settings.setRetryRules(RetryRules.of(THREE_QUICK_ATTEMPTS));
			customizer.accept(settings);
		});
		String address = TestServers.HOST + ":" + this.server.port();
		this.client = new GearmanClient(GearmanClientSettings.of(address));
		this.worker = new GearmanWorker(GearmanWorkerSettings.of(address).withClientId("operator-test-worker"));
		for (String function : List.of("f", "g")) {
			this.worker.register(function, (job) -> {
				this.seen.add(job.payloadAsString());
				if (this.broken) {
					throw new IllegalStateException("broken\tand\nmultiline");
				}
				return ("done:" + job.payloadAsString()).getBytes(StandardCharsets.UTF_8);
			});
		}
		this.worker.start();
	}

	/** Submits a background job that the broken worker fails three times; returns its handle once it is dead. */
	private String submitAndAwaitDeath(String function, String unique, String payload) {
		long before = deadCount(function);
		String handle = this.client.submitBackground(JobRequest.of(function, payload.getBytes(StandardCharsets.UTF_8))
			.withUnique(unique)).join().handle();
		await().atMost(WAIT).until(() -> deadCount(function) == before + 1);
		return handle;
	}

	private long deadCount(String function) {
		Map<String, Long> counts = this.server.operations().deadLetters().counts().join();
		return counts.getOrDefault(function, 0L);
	}

	private String admin(String line, boolean list) {
		try (RawConnection admin = RawConnection.open(TestServers.HOST, this.server.port())) {
			return admin.admin(line, list);
		}
	}

}
