package dev.gearman.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one shared snapshot of a running job server: any number of concurrent requests within a refresh interval cost
 * one snapshot, nobody asking costs none, an old snapshot is shown while the next is taken, one too old to show
 * makes the request wait for the next; and what a snapshot holds (functions with their counts, run statistics and
 * rate, workers, totals, the store, the server).
 */
class DashboardSnapshotsTests {

	private static final Duration INTERVAL = Duration.ofSeconds(2);

	/** The snapshots' clock, moved by the tests. */
	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private GearmanServer server;

	private DashboardSnapshots snapshots;

	@BeforeEach
	void start() {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress("127.0.0.1");
		settings.setPort(0);
		settings.setIoThreads(1);
		this.server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
		this.server.start();
		this.snapshots = new DashboardSnapshots(this.server, INTERVAL, this.nanos::get);
		this.closeables.add(this.server);
		this.closeables.add(this.snapshots);
	}

	@AfterEach
	void stop() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void requestsWithinAnIntervalShouldShareOneSnapshot() throws Exception {
		ExecutorService browsers = Executors.newFixedThreadPool(16);
		try {
			CountDownLatch go = new CountDownLatch(1);
			List<CompletableFuture<DashboardSnapshot>> seen = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				seen.add(CompletableFuture.supplyAsync(() -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					return this.snapshots.current();
				}, browsers));
			}
			go.countDown();
			DashboardSnapshot first = seen.get(0).get(30, TimeUnit.SECONDS);
			for (CompletableFuture<DashboardSnapshot> each : seen) {
				assertThat(each.get(30, TimeUnit.SECONDS)).isSameAs(first);
			}
			assertThat(this.snapshots.taken()).isEqualTo(1);
		}
		finally {
			browsers.shutdownNow();
		}
		this.nanos.addAndGet(INTERVAL.toNanos() - 1);
		this.snapshots.current();
		assertThat(this.snapshots.taken()).as("still within the interval").isEqualTo(1);
	}

	@Test
	void nobodyAskingShouldCostTheEngineNothing() throws Exception {
		this.snapshots.current();
		// time passes, in the snapshots' clock and in real time: no thread of the snapshots takes one on its own
		this.nanos.addAndGet(100 * INTERVAL.toNanos());
		Thread.sleep(300);
		assertThat(this.snapshots.taken()).isEqualTo(1);
	}

	@Test
	void aRecentSnapshotShouldBeShownWhileTheNextIsTakenAndAnOldOneShouldWait() throws Exception {
		DashboardSnapshot first = this.snapshots.current();
		assertThat(first.totals().queued()).isZero();
		submit("resize", 3);
		this.nanos.addAndGet(INTERVAL.toNanos() + 1);
		assertThat(this.snapshots.current()).as("one interval old: shown while the next is taken").isSameAs(first);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.snapshots.taken() == 2);
		assertThat(this.snapshots.current().totals().queued()).isEqualTo(3);
		submit("resize", 2);
		this.nanos.addAndGet(10 * INTERVAL.toNanos());
		assertThat(this.snapshots.current().totals().queued()).as("too old to show: the request waits").isEqualTo(5);
		assertThat(this.snapshots.taken()).isEqualTo(3);
	}

	@Test
	void snapshotShouldHoldFunctionsWithTheirRunsRateAndWorkers() throws Exception {
		submit("resize", 4);
		submit("mail", 1);
		this.snapshots.current();
		try (GearmanWorker worker = new GearmanWorker(GearmanWorkerSettings.of("127.0.0.1:" + this.server.port())
			.withClientId("resizer"))) {
			CountDownLatch ran = new CountDownLatch(4);
			worker.register("resize", (job) -> {
				ran.countDown();
				return new byte[0];
			});
			worker.start();
			assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> statistics("resize") == 4);
			this.nanos.addAndGet(10 * INTERVAL.toNanos());
			DashboardSnapshot snapshot = this.snapshots.current();
			FunctionRow resize = snapshot.functions()
				.stream()
				.filter((row) -> row.name().equals("resize"))
				.findFirst()
				.orElseThrow();
			assertThat(resize.queued()).isZero();
			assertThat(resize.completed()).isEqualTo(4);
			assertThat(resize.workers()).isEqualTo(1);
			assertThat(resize.runP50Micros()).isPositive();
			assertThat(resize.jobsPerSecond()).as("4 runs over 10 intervals of the snapshots' clock")
				.isCloseTo(4 / (10 * 2.0), org.assertj.core.data.Offset.offset(0.001));
			assertThat(snapshot.functions()).extracting(FunctionRow::name).containsExactly("mail", "resize");
			assertThat(snapshot.workers()).singleElement().satisfies((info) -> {
				assertThat(info.clientId()).isEqualTo("resizer");
				assertThat(info.functions()).containsExactly("resize");
				assertThat(info.connectedSince()).isPositive();
			});
			assertThat(snapshot.totals().queued()).isEqualTo(1);
			assertThat(snapshot.totals().workers()).isEqualTo(1);
			assertThat(snapshot.totals().completed()).isEqualTo(4);
			assertThat(snapshot.totals().dead()).isZero();
			assertThat(snapshot.store()).isEqualTo(new DashboardSnapshot.StoreInfo("memory", false, true, null, List.of()));
			assertThat(snapshot.server().state()).isEqualTo("RUNNING");
			assertThat(snapshot.server().port()).isEqualTo(this.server.port());
			assertThat(snapshot.server().startedAt()).isNotNull();
		}
	}

	@Test
	void stoppedServerShouldGiveAnEmptySnapshotRatherThanFail() {
		this.server.stop();
		DashboardSnapshot snapshot = this.snapshots.current();
		assertThat(snapshot.server().state()).isEqualTo("STOPPED");
		assertThat(snapshot.functions()).isEmpty();
	}

	private long statistics(String function) {
		return this.server.engine()
			.queries()
			.statistics()
			.join()
			.stream()
			.filter((s) -> s.function().equals(function))
			.mapToLong((s) -> s.completed())
			.sum();
	}

	private void submit(String function, int count) throws Exception {
		try (GearmanClient client = new GearmanClient(GearmanClientSettings.of("127.0.0.1:" + this.server.port()))) {
			for (int i = 0; i < count; i++) {
				client.submitBackground(JobRequest.of(function, "x")).get(30, TimeUnit.SECONDS);
			}
		}
	}

}
