package dev.gearman.server.interop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.GearmanNoServerException;
import dev.gearman.client.GearmanNoWorkerException;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.JobRequest;
import dev.gearman.worker.GearmanWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A call nobody waits for any more leaves no job behind to run for nobody, against gearmand and against our server:
 * a foreground job whose call timed out or was cancelled is dropped by the server once the client's connection that
 * submitted it closes, and that connection closes only after the other calls on it have ended. And a call of a
 * function without any worker fails at once when the client asks for it (fail-if-no-worker), or waits for its
 * timeout on gearmand, which does not offer the option.
 */
class ClientWorkerAbandonTests extends ClientWorkerTestSupport {

	private static final Duration SHORT = Duration.ofMillis(300);

	private GearmanClient client(TestJobServer server, String clientId) {
		return client(GearmanClientSettings.of(server.address()).withClientId(clientId).withConnection(FAST_RECONNECT));
	}

	/** A worker that records each payload it runs and returns it. */
	private GearmanWorker recordingWorker(TestJobServer server, String function, List<String> ran) {
		GearmanWorker worker = worker(1, server);
		worker.register(function, (job) -> {
			ran.add(job.payloadAsString());
			return job.payload();
		});
		worker.start();
		return worker;
	}

	/** Waits until the server has no connection announced with this client id ({@code workers} lists them). */
	private void awaitConnectionsGone(TestJobServer server, String clientId) {
		awaitConnections(server, clientId, 0);
	}

	/** Waits until the server lists {@code count} connections announced with this client id. */
	private void awaitConnections(TestJobServer server, String clientId, long count) {
		try (Peers admin = new Peers(server.port(), this.dir)) {
			await(count + " connections of " + clientId + " on " + server).atMost(WAIT)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> admin.admin("workers", true).lines()
					.filter((line) -> line.contains(" " + clientId + " "))
					.count() == count);
		}
	}

	/** Submits a call and cancels it once its JOB_CREATED has come. */
	private void abandonOnceCreated(GearmanClient client, String function) {
		CountDownLatch created = new CountDownLatch(1);
		CompletableFuture<byte[]> call = client.submit(JobRequest.of(function, "abandoned").withListener(
				new dev.gearman.client.JobListener() {
					@Override
					public void onCreated(String handle) {
						created.countDown();
					}
				}));
		awaitLatch(created);
		assertThat(call.cancel(true)).isTrue();
	}

	/**
	 * Once the client's connections have closed, a worker of the function comes and a new call is made: the worker
	 * runs the new call only, though the abandoned job would have been ahead of it in the queue.
	 */
	private void assertAbandonedJobNeverRuns(TestJobServer server, GearmanClient client, String clientId,
			String function) {
		awaitConnectionsGone(server, clientId);
		List<String> ran = new CopyOnWriteArrayList<>();
		recordingWorker(server, function, ran);
		assertThat(get(client.submit(function, "after"))).isEqualTo("after");
		assertThat(ran).containsExactly("after");
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void timedOutCallDoesNotRunWhenAWorkerComesLater(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("late-worker");
		String clientId = Peers.uniqueFunction("timing-out-client");
		GearmanClient client = client(server, clientId);
		// connected first: the timeout must come after the submission was sent, or there is nothing to abandon
		get(client.echo(client.servers().get(0), "up".getBytes()));
		Throwable timeout = failure(client.submit(JobRequest.of(function, "abandoned").withTimeout(SHORT)));
		assertThat(timeout).isInstanceOf(GearmanTimeoutException.class).hasMessageContaining(function);
		assertAbandonedJobNeverRuns(server, client, clientId, function);
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void cancelledCallDoesNotRunWhenAWorkerComesLater(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("cancelled");
		String clientId = Peers.uniqueFunction("cancelling-client");
		GearmanClient client = client(server, clientId);
		abandonOnceCreated(client, function);
		assertAbandonedJobNeverRuns(server, client, clientId, function);
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void callCancelledWhileItsJobIsBeingCreatedDoesNotRunEither(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("cancelled-on-create");
		String clientId = Peers.uniqueFunction("racing-client");
		GearmanClient client = client(server, clientId);
		AtomicReference<CompletableFuture<byte[]>> call = new AtomicReference<>();
		CountDownLatch cancelled = new CountDownLatch(1);
		// the cancel lands between JOB_CREATED and the client taking the job in: the connection must still retire
		call.set(client.submit(JobRequest.of(function, "abandoned").withListener(new dev.gearman.client.JobListener() {
			@Override
			public void onCreated(String handle) {
				await().until(() -> call.get() != null);
				call.get().cancel(true);
				cancelled.countDown();
			}
		})));
		awaitLatch(cancelled);
		assertAbandonedJobNeverRuns(server, client, clientId, function);
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void otherCallsOnTheConnectionFinishBeforeItClosesAndTheAbandonedJobIsDropped(ServerKind kind) throws Exception {
		TestJobServer server = server(kind);
		String slow = Peers.uniqueFunction("slow");
		String missing = Peers.uniqueFunction("missing");
		String clientId = Peers.uniqueFunction("busy-client");
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		GearmanWorker slowWorker = worker(1, server);
		slowWorker.register(slow, (job) -> {
			started.countDown();
			release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			return "done".getBytes();
		});
		slowWorker.start();
		GearmanClient client = client(server, clientId);
		CompletableFuture<byte[]> running = client.submit(JobRequest.of(slow, "x"));
		awaitLatch(started);
		// given up once created (a timeout could fire before the job was even sent, leaving nothing to drop)
		abandonOnceCreated(client, missing);
		// new calls go over a new connection while the retired one waits for the slow call
		List<String> ran = new CopyOnWriteArrayList<>();
		String other = Peers.uniqueFunction("other");
		recordingWorker(server, other, ran);
		assertThat(get(client.submit(other, "meanwhile"))).isEqualTo("meanwhile");
		assertThat(running).isNotDone();
		awaitConnections(server, clientId, 2);
		release.countDown();
		assertThat(get(running)).isEqualTo("done".getBytes());
		// the retired connection closes once its last call has ended; the new one stays
		awaitConnections(server, clientId, 1);
		recordingWorker(server, missing, ran);
		assertThat(get(client.submit(missing, "after"))).isEqualTo("after");
		assertThat(ran).containsExactly("meanwhile", "after");
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void aStormOfTimeoutsDoesNotPileUpConnections(ServerKind kind) throws Exception {
		TestJobServer server = server(kind);
		String slow = Peers.uniqueFunction("storm-slow");
		String missing = Peers.uniqueFunction("storm-missing");
		String clientId = Peers.uniqueFunction("storm-client");
		CountDownLatch release = new CountDownLatch(1);
		GearmanWorker slowWorker = worker(20, server);
		slowWorker.register(slow, (job) -> {
			release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			return job.payload();
		});
		slowWorker.start();
		awaitWorkers(server, slow, 1);
		GearmanClient client = client(server, clientId);
		List<CompletableFuture<byte[]>> held = new java.util.ArrayList<>();
		try (Peers admin = new Peers(server.port(), this.dir)) {
			for (int i = 0; i < 20; i++) {
				// each connection keeps a call in flight, so none of them may close while retiring
				held.add(client.submit(JobRequest.of(slow, "held-" + i)));
				assertThat(failure(client.submit(JobRequest.of(missing, "abandoned-" + i).withTimeout(
						Duration.ofMillis(50))))).isInstanceOf(GearmanTimeoutException.class);
				long connections = admin.admin("workers", true).lines()
					.filter((line) -> line.contains(" " + clientId + " "))
					.count();
				assertThat(connections).as("connections of the client after %d timeouts", i + 1)
					.isLessThanOrEqualTo(GearmanClient.MAX_RETIRING_CONNECTIONS + 1);
			}
		}
		finally {
			release.countDown();
		}
		for (CompletableFuture<byte[]> call : held) {
			assertThat(get(call)).startsWith("held-".getBytes());
		}
		// every retired connection closes once its calls have ended (the last current one too, since jobs on it
		// were abandoned while others retired); a new one opens on the next call
		assertAbandonedJobNeverRuns(server, client, clientId, missing);
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void aHugeFailureReasonIsCutToABoundedLength(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("long-reason");
		GearmanWorker worker = worker(1, server);
		worker.register(function, (job) -> {
			throw new dev.gearman.worker.FailJobException("x".repeat(1_000_000));
		});
		worker.start();
		GearmanClient client = client(server);
		Throwable failed = failure(client.submit(JobRequest.of(function, "x")));
		assertThat(failed).isInstanceOfSatisfying(dev.gearman.client.GearmanJobFailedException.class,
				(ex) -> assertThat(ex.reason()).hasSize(4096));
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void failIfNoWorkerFailsAtOnceOnOurServerAndFallsBackToTheTimeoutOnGearmand(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("nobody");
		String clientId = Peers.uniqueFunction("no-worker-client");
		GearmanClient client = client(GearmanClientSettings.of(server.address()).withFailIfNoWorker(true)
			.withClientId(clientId)
			.withConnection(FAST_RECONNECT));
		Throwable failure = failure(client.submit(JobRequest.of(function, "x").withTimeout(
				(kind == ServerKind.OWN) ? WAIT : SHORT)));
		if (kind == ServerKind.OWN) {
			assertThat(failure).isInstanceOf(GearmanNoWorkerException.class)
				.hasMessageContaining("NO_WORKER")
				.hasMessageContaining(function);
			assertThat(((GearmanNoWorkerException) failure).function()).isEqualTo(function);
		}
		else {
			// gearmand answers the option with ERROR UNKNOWN_OPTION: the call waits as without it
			assertThat(failure).isInstanceOf(GearmanTimeoutException.class);
			// and its job goes once gearmand has seen the connection close (a worker that came first would run it)
			awaitConnectionsGone(server, clientId);
		}
		// with a worker the call goes through: the option's answer kept every later reply in its place
		List<String> ran = new CopyOnWriteArrayList<>();
		recordingWorker(server, function, ran);
		awaitWorkers(server, function, 1);
		assertThat(get(client.submit(function, "served"))).isEqualTo("served");
		assertThat(ran).containsExactly("served");
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void failIfNoWorkerTriesTheOtherServerFirst(ServerKind kind) {
		TestJobServer withoutWorker = ownServer(ServerKind.OWN);
		TestJobServer withWorker = server(kind);
		String function = Peers.uniqueFunction("elsewhere");
		List<String> ran = new CopyOnWriteArrayList<>();
		recordingWorker(withWorker, function, ran);
		awaitWorkers(withWorker, function, 1);
		GearmanClient client = client(GearmanClientSettings.of(withoutWorker.address(), withWorker.address())
			.withFailIfNoWorker(true)
			.withConnection(FAST_RECONNECT));
		for (int i = 0; i < 4; i++) {
			assertThat(get(client.submit(function, "job-" + i))).isEqualTo("job-" + i);
		}
		assertThat(ran).hasSize(4);
	}

	@Test
	void callWithoutAnyReachableServerFailsWithNoServer() throws Exception {
		int port;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		GearmanClient client = client(GearmanClientSettings.of(Peers.HOST + ":" + port).withConnection(FAST_RECONNECT));
		assertThat(failure(client.submit(JobRequest.of("anything", "x")))).isInstanceOf(GearmanNoServerException.class)
			.hasMessageContaining("anything");
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("latch reached").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
