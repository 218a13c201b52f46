package dev.gearman.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.JobRequest;
import dev.gearman.server.interop.ClientWorkerTestSupport;
import dev.gearman.server.interop.Peers;
import dev.gearman.server.interop.ServerKind;
import dev.gearman.server.interop.TestJobServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How our worker uses its slots, against gearmand and our server: per-function limits never make a job run
 * twice, functions registered on a running worker get jobs, a graceful stop finishes the job in flight and takes
 * no new one.
 */
class WorkerSlotTests extends ClientWorkerTestSupport {

	/**
	 * A function at its limit must not be unregistered with CANT_DO: gearmand then hands its running jobs to
	 * other workers (or back to this one), so they run more than once.
	 */
	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void perFunctionLimitRunsEveryJobExactlyOnce(ServerKind kind) throws Exception {
		TestJobServer server = server(kind);
		String limited = Peers.uniqueFunction("limited");
		String free = Peers.uniqueFunction("free");
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger maxRunning = new AtomicInteger();
		GearmanWorker worker = worker(4, server);
		worker.register(new FunctionRegistration(limited, (job) -> {
			runs.computeIfAbsent(job.payloadAsString(), (key) -> new AtomicInteger()).incrementAndGet();
			maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
			try {
				Thread.sleep(40);
				return job.payload();
			}
			finally {
				running.decrementAndGet();
			}
		}, 1, null));
		worker.register(free, (job) -> job.payload());
		worker.start();
		awaitWorkers(server, limited, 1);
		GearmanClient client = client(server);
		List<CompletableFuture<byte[]>> results = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			results.add(client.submit(JobRequest.of(limited, "job-" + i)));
			results.add(client.submit(JobRequest.of(free, "free-" + i)));
		}
		for (int i = 0; i < results.size(); i++) {
			assertThat(new String(get(results.get(i)))).isEqualTo(((i % 2 == 0) ? "job-" : "free-") + (i / 2));
		}
		// nothing requeued behind our back: the queue is empty and no job ran twice
		awaitStatus(server, limited, 0, 0, 1);
		assertThat(runs).hasSize(8);
		assertThat(runs.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
		assertThat(maxRunning).hasValue(1);
	}

	/** A function registered on a started worker that has nothing to do yet gets the jobs queued for it. */
	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void functionRegisteredOnAStartedIdleWorkerGetsJobs(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("late");
		GearmanClient client = client(server);
		CompletableFuture<String> queued = client.submit(function, "queued-before");
		GearmanWorker worker = worker(2, server);
		worker.start();
		awaitConnected(worker);
		worker.register(function, (job) -> ("late:" + job.payloadAsString()).getBytes());
		assertThat(get(queued)).isEqualTo("late:queued-before");
		assertThat(get(client.submit(function, "after"))).isEqualTo("late:after");
	}

	/** The same for a worker that already sleeps (PRE_SLEEP) on another function, and for a limited function. */
	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void functionRegisteredOnASleepingWorkerGetsJobs(ServerKind kind) {
		TestJobServer server = server(kind);
		String first = Peers.uniqueFunction("first");
		String late = Peers.uniqueFunction("late");
		String lateLimited = Peers.uniqueFunction("late-limited");
		GearmanWorker worker = worker(2, server);
		worker.register(first, (job) -> job.payload());
		worker.start();
		awaitWorkers(server, first, 1);
		GearmanClient client = client(server);
		// one job done, so the worker has asked again, got NO_JOB and sleeps
		assertThat(get(client.submit(first, "one"))).isEqualTo("one");
		CompletableFuture<String> queued = client.submit(late, "queued");
		CompletableFuture<String> queuedLimited = client.submit(lateLimited, "queued-limited");
		worker.register(late, (job) -> ("late:" + job.payloadAsString()).getBytes());
		worker.register(new FunctionRegistration(lateLimited, (job) -> ("limited:" + job.payloadAsString()).getBytes(),
				1, null));
		assertThat(get(queued)).isEqualTo("late:queued");
		assertThat(get(queuedLimited)).isEqualTo("limited:queued-limited");
		assertThat(get(client.submit(first, "two"))).isEqualTo("two");
	}

	/** Stop waits for the job in flight, whose result still reaches the client, and takes no new job meanwhile. */
	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void gracefulStopFinishesTheJobInFlightAndTakesNoOther(ServerKind kind) throws Exception {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("stop");
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();
		GearmanWorker worker = worker(2, server);
		worker.register(function, (job) -> {
			runs.incrementAndGet();
			started.countDown();
			assertThat(finish.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			return ("done:" + job.payloadAsString()).getBytes();
		});
		worker.start();
		GearmanClient client = client(server);
		CompletableFuture<String> inFlight = client.submit(function, "a");
		assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> worker.stop(WAIT));
		await().atMost(WAIT).until(() -> worker.inFlight() == 1 && !worker.connectivity().isEmpty());
		// a job submitted while stopping stays queued for another worker
		CompletableFuture<String> later = client.submit(function, "b");
		awaitStatus(server, function, 2, 1, 1);
		assertThat(stopped).isNotDone();
		finish.countDown();
		assertThat(get(inFlight)).isEqualTo("done:a");
		assertThat(get(stopped)).isTrue();
		awaitStatus(server, function, 1, 0, 0);
		assertThat(runs).hasValue(1);
		GearmanWorker next = worker(1, server);
		next.register(function, (job) -> ("next:" + job.payloadAsString()).getBytes());
		next.start();
		assertThat(get(later)).isEqualTo("next:b");
	}

	/** A stop that times out on a hanging handler reports it and still closes the worker. */
	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void stopGivesUpOnAHangingHandlerAndTheServerRequeuesItsJob(ServerKind kind) throws Exception {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("hang");
		CountDownLatch started = new CountDownLatch(1);
		GearmanWorker worker = worker(1, server);
		worker.register(function, (job) -> {
			started.countDown();
			Thread.sleep(Long.MAX_VALUE);
			return null;
		});
		worker.start();
		GearmanClient client = client(server);
		CompletableFuture<String> result = client.submit(function, "x");
		assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(worker.stop(Duration.ofMillis(200))).isFalse();
		// the server got the job back when the worker went, and gives it to the next worker
		GearmanWorker next = worker(1, server);
		next.register(function, (job) -> "rescued".getBytes());
		next.start();
		assertThat(get(result)).isEqualTo("rescued");
	}

	/**
	 * CAN_DO_TIMEOUT: the server takes an overrunning job back and gives it to another worker. With gearmand this
	 * holds for a function limited to one job at a time, whose connection sends no PRE_SLEEP (which would cancel
	 * gearmand's timer) while the job runs.
	 */
	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void overrunningJobOfATimedFunctionGoesToAnotherWorker(ServerKind kind) throws Exception {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("timed");
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		GearmanWorker slow = worker(2, server);
		slow.register(new FunctionRegistration(function, (job) -> {
			started.countDown();
			release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			return "slow".getBytes();
		}, 1, Duration.ofSeconds(1)));
		slow.start();
		GearmanClient client = client(server);
		long submitted = System.nanoTime();
		CompletableFuture<String> result = client.submit(function, "x");
		assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		GearmanWorker rescuer = worker(1, server);
		rescuer.register(function, (job) -> "rescued".getBytes());
		rescuer.start();
		try {
			assertThat(get(result)).isEqualTo("rescued");
			assertThat(System.nanoTime() - submitted).isGreaterThanOrEqualTo(Duration.ofMillis(900).toNanos());
		}
		finally {
			release.countDown();
		}
	}

	/** SET_CLIENT_ID and every registration show in the server's {@code workers} listing. */
	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void workerAnnouncesItsClientIdAndFunctions(ServerKind kind) {
		TestJobServer server = server(kind);
		String plain = Peers.uniqueFunction("listed");
		String limited = Peers.uniqueFunction("listed-limited");
		String clientId = "worker-" + plain;
		GearmanWorker worker = worker(GearmanWorkerSettings.of(server.address()).withClientId(clientId)
			.withConcurrency(2)
			.withConnection(FAST_RECONNECT));
		worker.register(plain, (job) -> null);
		worker.register(new FunctionRegistration(limited, (job) -> null, 1, Duration.ofSeconds(30)));
		worker.start();
		awaitWorkers(server, plain, 1);
		awaitWorkers(server, limited, 1);
		try (Peers admin = new Peers(server.port(), this.dir)) {
			List<String> lines = admin.admin("workers", true).lines().filter((line) -> line.contains(clientId)).toList();
			// one connection for the shared functions, one for the limited function
			assertThat(lines).hasSize(2);
			assertThat(lines).anySatisfy((line) -> assertThat(line).endsWith(" " + plain));
			assertThat(lines).anySatisfy((line) -> assertThat(line).endsWith(" " + limited));
		}
	}

	private static org.awaitility.core.ConditionFactory await() {
		return org.awaitility.Awaitility.await().pollInterval(Duration.ofMillis(10));
	}

}
