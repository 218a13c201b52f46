package dev.gearman.server.interop;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.GearmanWorkerException;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobListener;
import dev.gearman.client.JobPriority;
import dev.gearman.client.JobRequest;
import dev.gearman.client.JobStatus;
import dev.gearman.worker.FailJobException;
import dev.gearman.worker.GearmanWorker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our client and our worker together, against gearmand and against our server: every way of submitting, results,
 * progress, failures, timeouts, status queries and a batch of 10,000 jobs.
 */
class ClientWorkerRoundTripTests extends ClientWorkerTestSupport {

	private static byte[] reversed(byte[] data) {
		byte[] result = new byte[data.length];
		for (int i = 0; i < data.length; i++) {
			result[i] = data[data.length - 1 - i];
		}
		return result;
	}

	private GearmanWorker reverseWorker(TestJobServer server, String function, int concurrency) {
		GearmanWorker worker = worker(concurrency, server);
		worker.register(function, (job) -> reversed(job.payload()));
		worker.start();
		return worker;
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void foregroundJobsAtEveryPriorityReturnTheResult(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("reverse");
		reverseWorker(server, function, 2);
		GearmanClient client = client(server);
		for (JobPriority priority : JobPriority.values()) {
			JobRequest request = JobRequest.of(function, "hello " + priority).withPriority(priority);
			assertThat(new String(get(client.submit(request)), StandardCharsets.UTF_8))
				.isEqualTo(new StringBuilder("hello " + priority).reverse().toString());
		}
		assertThat(get(client.submit(function, ""))).isEmpty();
		assertThat(get(client.echo(client.servers().get(0), "ping".getBytes()))).isEqualTo("ping".getBytes());
		assertThat(client.ping(WAIT)).containsValue(true);
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void backgroundJobsAtEveryPriorityRunWithTheirUniqueIds(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("bg");
		Map<String, String> seen = new ConcurrentHashMap<>();
		GearmanWorker worker = worker(2, server);
		worker.register(function, (job) -> {
			seen.put(job.payloadAsString(), job.unique());
			return null;
		});
		GearmanClient client = client(server);
		List<JobHandle> handles = new ArrayList<>();
		for (JobPriority priority : JobPriority.values()) {
			handles.add(get(client.submitBackground(JobRequest.of(function, "gen-" + priority).withPriority(priority))));
			handles.add(get(client.submitBackground(
					JobRequest.of(function, "own-" + priority).withPriority(priority).withUnique("u-" + priority))));
		}
		assertThat(handles).extracting(JobHandle::handle).doesNotHaveDuplicates().allMatch((h) -> !h.isEmpty());
		awaitStatus(server, function, 6, 0, 0);
		worker.start();
		org.awaitility.Awaitility.await().atMost(WAIT).until(() -> seen.size() == 6);
		for (JobPriority priority : JobPriority.values()) {
			assertThat(seen.get("own-" + priority)).isEqualTo("u-" + priority);
			// a generated unique id, as libgearman makes for background jobs
			assertThat(seen.get("gen-" + priority)).hasSizeGreaterThanOrEqualTo(32);
		}
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void listenersSeeDataWarningsAndProgressInOrder(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("progress");
		GearmanWorker worker = worker(1, server);
		worker.register(function, (job) -> {
			job.sendStatus(1, 3);
			job.sendData("part-1".getBytes());
			job.sendWarning("careful".getBytes());
			job.sendStatus(3, 3);
			job.sendData("part-2".getBytes());
			return "final".getBytes();
		});
		worker.start();
		List<String> events = new CopyOnWriteArrayList<>();
		JobListener listener = new JobListener() {
			@Override
			public void onCreated(String handle) {
				events.add("created");
			}

			@Override
			public void onData(byte[] data) {
				events.add("data:" + new String(data));
			}

			@Override
			public void onWarning(byte[] data) {
				events.add("warning:" + new String(data));
			}

			@Override
			public void onStatus(long numerator, long denominator) {
				events.add("status:" + numerator + "/" + denominator);
			}
		};
		GearmanClient client = client(server);
		byte[] result = get(client.submit(JobRequest.of(function, "x").withListener(listener)));
		assertThat(new String(result)).isEqualTo("final");
		assertThat(events).containsExactly("created", "status:1/3", "data:part-1", "warning:careful", "status:3/3",
				"data:part-2");
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void workExceptionAndWorkFailCompleteWithDistinctExceptions(ServerKind kind) {
		TestJobServer server = server(kind);
		String throwing = Peers.uniqueFunction("throws");
		String failing = Peers.uniqueFunction("fails");
		GearmanWorker worker = worker(1, server);
		worker.register(throwing, (job) -> {
			throw new IllegalStateException("boom " + job.payloadAsString());
		});
		worker.register(failing, (job) -> {
			throw new FailJobException("no luck");
		});
		worker.start();
		GearmanClient client = client(server);
		Throwable exception = failure(client.submit(JobRequest.of(throwing, "1")));
		assertThat(exception).isInstanceOf(GearmanWorkerException.class);
		GearmanWorkerException workerException = (GearmanWorkerException) exception;
		assertThat(workerException.function()).isEqualTo(throwing);
		assertThat(workerException.handle()).isNotEmpty();
		assertThat(new String(workerException.payload())).isEqualTo("java.lang.IllegalStateException: boom 1");
		Throwable failed = failure(client.submit(JobRequest.of(failing, "2")));
		assertThat(failed).isInstanceOf(GearmanJobFailedException.class).isNotInstanceOf(GearmanWorkerException.class);
		assertThat(((GearmanJobFailedException) failed).function()).isEqualTo(failing);
		// the reason travels as the WORK_WARNING right before WORK_FAIL
		assertThat(((GearmanJobFailedException) failed).reason()).isEqualTo("no luck");
		assertThat(failed).hasMessageEndingWith("failed: no luck");
		// the worker is still there
		assertThat(failure(client.submit(JobRequest.of(throwing, "3")))).hasMessageContaining("boom 3");
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void perCallTimeoutFailsClearlyWhileAHangingHandlerLeavesTheWorkerServing(ServerKind kind) throws Exception {
		TestJobServer server = server(kind);
		String hanging = Peers.uniqueFunction("hangs");
		String quick = Peers.uniqueFunction("quick");
		CountDownLatch release = new CountDownLatch(1);
		GearmanWorker worker = worker(2, server);
		worker.register(hanging, (job) -> {
			release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			return "late".getBytes();
		});
		worker.register(quick, (job) -> reversed(job.payload()));
		worker.start();
		GearmanClient client = client(server);
		long start = System.nanoTime();
		Throwable timeout = failure(client.submit(JobRequest.of(hanging, "x").withTimeout(Duration.ofMillis(300))));
		assertThat(timeout).isInstanceOf(GearmanTimeoutException.class).hasMessageContaining(hanging);
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
		for (int i = 0; i < 20; i++) {
			assertThat(get(client.submit(quick, "ab" + i))).isEqualTo(new StringBuilder("ab" + i).reverse().toString());
		}
		release.countDown();
		assertThat(get(client.submit(JobRequest.of(hanging, "y")))).isEqualTo("late".getBytes());
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void statusByHandleAndByUniqueShowsProgress(ServerKind kind) throws Exception {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("status");
		CountDownLatch reported = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		GearmanWorker worker = worker(1, server);
		worker.register(function, (job) -> {
			job.sendStatus(2, 5);
			reported.countDown();
			release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			return null;
		});
		GearmanClient client = client(server);
		String unique = "status-" + function;
		JobHandle handle = get(client.submitBackground(JobRequest.of(function, "x").withUnique(unique)));
		JobStatus queued = get(client.getStatus(handle));
		assertThat(queued.known()).isTrue();
		assertThat(queued.running()).isFalse();
		worker.start();
		assertThat(reported.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		org.awaitility.Awaitility.await().atMost(WAIT).until(() -> get(client.getStatus(handle)).numerator() == 2);
		JobStatus running = get(client.getStatus(handle));
		assertThat(running).isEqualTo(new JobStatus(handle.handle(), true, true, 2, 5, -1));
		JobStatus byUnique = get(client.getStatusByUnique(unique));
		assertThat(byUnique.id()).isEqualTo(unique);
		assertThat(byUnique.known()).isTrue();
		assertThat(byUnique.running()).isTrue();
		assertThat(byUnique.progress()).isEqualTo(0.4);
		release.countDown();
		org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !get(client.getStatus(handle)).known());
		assertThat(get(client.getStatusByUnique(unique)).known()).isFalse();
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void epochJobRunsNotBeforeItsTime(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("epoch");
		List<Instant> ranAt = new CopyOnWriteArrayList<>();
		GearmanWorker worker = worker(1, server);
		worker.register(function, (job) -> {
			ranAt.add(Instant.now());
			return null;
		});
		worker.start();
		GearmanClient client = client(server);
		// epoch jobs have a resolution of whole seconds
		Instant runAt = Instant.now().plusSeconds(2).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		JobHandle handle = get(client.submitBackground(JobRequest.of(function, "later").withRunAt(runAt)));
		assertThat(handle.handle()).isNotEmpty();
		Assumptions.assumeTrue(server.runsEpochJobs(), server.name() + " accepts SUBMIT_JOB_EPOCH but does not run the job"
				+ " at its time (gearmand 1.1.20 with its in-memory queue never runs it)");
		org.awaitility.Awaitility.await().atMost(WAIT).until(() -> ranAt.size() == 1);
		assertThat(ranAt.get(0)).isAfterOrEqualTo(runAt.minusMillis(50));
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void reduceJobIsRunByTheMapperAndReturnsItsResult(ServerKind kind) {
		TestJobServer server = server(kind);
		String mapper = Peers.uniqueFunction("map");
		String reducer = Peers.uniqueFunction("reduce");
		reverseWorker(server, mapper, 1);
		GearmanClient client = client(server);
		byte[] result = get(client.submit(JobRequest.of(mapper, "map me").withReducer(reducer)));
		assertThat(new String(result)).isEqualTo("em pam");
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void batchOfTenThousandJobsReturnsEveryResultInOrder(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("batch");
		reverseWorker(server, function, 4);
		GearmanClient client = client(server);
		List<JobRequest> requests = new ArrayList<>();
		for (int i = 0; i < 10_000; i++) {
			requests.add(JobRequest.of(function, "job-" + i));
		}
		List<byte[]> results = get(client.submitAll(requests));
		assertThat(results).hasSize(10_000);
		for (int i = 0; i < results.size(); i++) {
			assertThat(new String(results.get(i))).isEqualTo(new StringBuilder("job-" + i).reverse().toString());
		}
	}

	@ParameterizedTest
	@EnumSource(ServerKind.class)
	void largeResultsArriveAndOversizedOnesBecomeAnException(ServerKind kind) {
		TestJobServer server = server(kind);
		String function = Peers.uniqueFunction("big");
		GearmanWorker worker = worker(new dev.gearman.worker.GearmanWorkerSettings(
				List.of(dev.gearman.connection.ServerAddress.parse(server.address())), FAST_RECONNECT, null, 1,
				8 * 1024 * 1024));
		worker.register(function, (job) -> {
			byte[] data = new byte[Integer.parseInt(job.payloadAsString())];
			Arrays.fill(data, (byte) 'x');
			data[data.length - 1] = 'y';
			return data;
		});
		worker.start();
		GearmanClient client = client(server);
		byte[] large = get(client.submit(JobRequest.of(function, String.valueOf(6 * 1024 * 1024))));
		assertThat(large).hasSize(6 * 1024 * 1024);
		assertThat(large[large.length - 1]).isEqualTo((byte) 'y');
		Throwable tooLarge = failure(client.submit(JobRequest.of(function, String.valueOf(9 * 1024 * 1024))));
		assertThat(tooLarge).isInstanceOf(GearmanWorkerException.class).hasMessageContaining("exceeds the maximum");
		assertThat(get(client.submit(function, "3"))).isEqualTo("xxy");
	}


}
