package dev.gearman.server.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.engine.DurableStoreTests.PendingAdd;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.OwnedElsewhereException;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine with a store that several servers share: it adopts jobs taken over from a server that stopped, keeping
 * their handles and order; it hands out stored jobs only while the store proves its ownership (fencing by lease),
 * and forgets them without deleting their rows once another server owns them; a submission whose job another server
 * stored gets that job's handle; a clean stop releases the waiting stored jobs at once.
 */
class SharedStoreTests extends EngineTestSupport {

	private static final String SCOPE = "s1";

	private static final String OTHER = "H:other:x9:";

	private final SharedStore shared = new SharedStore();

	@BeforeEach
	void useSharedStore() {
		this.store = this.shared;
	}

	@Test
	void handlesShouldCarryTheStoresScope() {
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_BG, "d", "f", "u");
		PendingAdd add = this.shared.nextAdd();
		assertThat(add.job().handle()).as("the handle goes into the row").isEqualTo(PREFIX + ":" + SCOPE + ":1");
		add.succeed();
		client.expect(PacketType.JOB_CREATED, PREFIX + ":" + SCOPE + ":1");
	}

	@Test
	void adoptedJobsShouldKeepTheirHandlesAndRunInTheirOrderWithTheirDueTimes() {
		long inAMinute = this.clock.currentTimeMillis() / 1000 + 60;
		engine().adopt(List.of(stored("f", "a", 1, "first", 0, 10, OTHER + "10"),
				stored("f", "b", 1, "second", 0, 11, OTHER + "11"), stored("f", "later", 1, "epoch", inAMinute, 12,
						OTHER + "12"),
				new StoredJob("f", "retry", 1, TestPeer.bytes("retry"), inAMinute, 13, 2, "boom", OTHER + "13")));
		TestPeer worker = worker("f");
		assertAssigned(grab(worker), OTHER + "10", "f", "first");
		assertAssigned(grab(worker), OTHER + "11", "f", "second");
		expectNoJob(worker);
		TestPeer client = peer();
		client.send(PacketType.GET_STATUS, OTHER + "10");
		client.expect(PacketType.STATUS_RES, OTHER + "10", "1", "1", "0", "0");
		assertThat(engine().storedJobs()).isEqualTo(4);
		advance(Duration.ofSeconds(61));
		assertAssigned(grab(worker), OTHER + "12", "f", "epoch");
		assertAssigned(grab(worker), OTHER + "13", "f", "retry");
		complete(worker, OTHER + "10", "r");
		sync();
		assertThat(this.shared.removes).containsExactly("f/a/10");
	}

	@Test
	void anAdoptedJobWhoseHandleIsInUseShouldGetANewOne() {
		TestPeer client = peer();
		String own = submit(client, "f", "", "fg");
		engine().adopt(List.of(stored("f", "a", 1, "adopted", 0, 1, own)));
		TestPeer worker = worker("f");
		assertAssigned(grab(worker), own, "f", "fg");
		assertAssigned(grab(worker), PREFIX + ":" + SCOPE + ":2", "f", "adopted");
	}

	@Test
	void anAdoptedJobWithTheUniqueIdOfALiveJobShouldRunOnItsOwn() {
		TestPeer client = peer();
		String live = submit(client, "f", "same", "fg");
		engine().adopt(List.of(stored("f", "same", 1, "adopted", 0, 1, OTHER + "1")));
		TestPeer again = peer();
		assertThat(submit(again, "f", "same", "fg")).as("new submissions join the live job").isEqualTo(live);
		TestPeer worker = worker("f");
		assertAssigned(grab(worker), live, "f", "fg");
		assertAssigned(grab(worker), OTHER + "1", "f", "adopted");
		complete(worker, OTHER + "1", "r");
		complete(worker, live, "r");
		client.expectData(PacketType.WORK_COMPLETE, "r", live);
		sync();
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void storedJobsShouldNotBeHandedOutOnceOwnershipIsNoLongerProven() {
		engine().ownedUntil(this.clock.nanoTime() + Duration.ofSeconds(4).toNanos());
		engine().adopt(List.of(stored("f", "a", 1, "stored", 0, 1, OTHER + "1")));
		TestPeer worker = worker("f", "g");
		advance(Duration.ofSeconds(4));
		expectNoJob(worker);
		TestPeer client = peer();
		String foreground = submit(client, "g", "", "fg");
		assertAssigned(grab(worker), foreground, "g", "fg");
		// a foreground job behind the held stored job waits with it: arrival order within a queue is kept
		String behind = submit(client, "f", "", "behind");
		expectNoJob(worker);
		worker.send(PacketType.PRE_SLEEP);
		worker.expectNoMessage();
		engine().ownedUntil(this.clock.nanoTime() + Duration.ofSeconds(4).toNanos());
		worker.expect(PacketType.NOOP);
		assertAssigned(grab(worker), OTHER + "1", "f", "stored");
		assertAssigned(grab(worker), behind, "f", "behind");
	}

	@Test
	void theEndOfProvenOwnershipShouldBeLoggedOnceAndItsReturnToo() {
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		Logger logger = (Logger) LoggerFactory.getLogger(StoredJobLease.class);
		appender.start();
		logger.addAppender(appender);
		try {
			// not a whole number of milliseconds: a timer armed for the truncated delay fired before the end, found
			// the lease still valid, and never reported it (seen in ClusterIT)
			engine().ownedUntil(this.clock.nanoTime() + Duration.ofMillis(4000).toNanos() + 500_000);
			advance(Duration.ofMillis(4000));
			advance(Duration.ofMillis(1));
			advance(Duration.ofSeconds(10));
			engine().ownedUntil(this.clock.nanoTime() + Duration.ofSeconds(4).toNanos());
			sync();
			assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
				.containsExactly("Ownership of the stored jobs not proven any more (no heartbeat reached the database"
						+ " in time): handing none of them out until it is",
						"Ownership of the stored jobs proven again: handing them out");
		}
		finally {
			logger.detachAppender(appender);
		}
	}

	@Test
	void theFenceShouldHoldEvenWhenItsTimerHasNotRun() {
		// a paused process resumes with its timers late: the hand-out itself compares the clock with the lease
		engine().ownedUntil(this.clock.nanoTime() + Duration.ofSeconds(4).toNanos());
		engine().adopt(List.of(stored("f", "a", 1, "stored", 0, 1, OTHER + "1")));
		TestPeer worker = worker("f");
		sync();
		this.clock.advance(Duration.ofSeconds(5));
		expectNoJob(worker);
	}

	@Test
	void handOverShouldForgetStoredJobsWithoutDeletingTheirRows() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String running = runningQueuedAndScheduled(client, worker);
		// a foreground job a background submission joined: its client keeps waiting for it here
		TestPeer waiting = peer();
		String joined = submit(waiting, "g", "joined", "j");
		client.sendData(PacketType.SUBMIT_JOB_BG, "j", "g", "joined");
		this.shared.nextAdd().succeed();
		client.expect(PacketType.JOB_CREATED, joined);
		assertThat(engine().storedJobs()).isEqualTo(4);

		engine().handOver();
		assertThat(status()).isEqualTo("f\t1\t1\t1\ng\t1\t0\t0\n.\n");
		assertThat(engine().storedJobs()).isZero();
		expectNoJob(worker);
		complete(worker, running, "done");
		TestPeer gWorker = worker("g");
		assertAssigned(grab(gWorker), joined, "g", "j");
		complete(gWorker, joined, "result");
		waiting.expectData(PacketType.WORK_COMPLETE, "result", joined);
		sync();
		assertThat(this.shared.removes).as("rows of jobs another server owns now").isEmpty();
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void aSubmissionWhoseJobAnotherServerStoredShouldGetThatJobsHandle() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		client.sendData(PacketType.SUBMIT_JOB_BG, "d", "f", "u");
		// a foreground client joins the job while its row is written
		TestPeer foreground = peer();
		foreground.sendData(PacketType.SUBMIT_JOB, "d", "f", "u");
		PendingAdd add = this.shared.nextAdd();
		add.fail(new OwnedElsewhereException("stored by another server", OTHER + "7"));
		client.expect(PacketType.JOB_CREATED, OTHER + "7");
		foreground.expect(PacketType.JOB_CREATED, PREFIX + ":" + SCOPE + ":1");
		client.send(PacketType.GET_STATUS, OTHER + "7");
		client.expect(PacketType.STATUS_RES, OTHER + "7", "0", "0", "0", "0");
		// the foreground client's job still runs here, for it
		assertAssigned(grab(worker), PREFIX + ":" + SCOPE + ":1", "f", "d");
		complete(worker, PREFIX + ":" + SCOPE + ":1", "r");
		foreground.expectData(PacketType.WORK_COMPLETE, "r", PREFIX + ":" + SCOPE + ":1");
		client.sendData(PacketType.SUBMIT_JOB_BG, "d", "f", "alone");
		this.shared.nextAdd().fail(new OwnedElsewhereException("stored by an older version", null));
		client.expect(PacketType.JOB_CREATED, PREFIX + ":" + SCOPE + ":2");
		expectNoJob(worker);
		sync();
		assertThat(this.shared.removes).isEmpty();
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void drainShouldReleaseTheWaitingStoredJobsAtOnce() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String running = runningQueuedAndScheduled(client, worker);
		CompletableFuture<Void> drained = engine().drain();
		sync();
		assertThat(this.shared.releases).containsExactlyInAnyOrder("f/queued/2", "f/epoch/3");
		assertThat(status()).isEqualTo("f\t1\t1\t1\n.\n");
		complete(worker, running, "done");
		assertThat(drained).succeedsWithin(TestPeer.TIMEOUT);
		assertThat(this.shared.removes).containsExactly("f/running/1");
	}

	@Test
	void drainShouldReleaseNothingWithAStoreThatIsNotShared() {
		this.shared.isShared = false;
		TestPeer client = peer();
		submitStored(client, "f", "queued", "q");
		assertThat(engine().drain()).succeedsWithin(TestPeer.TIMEOUT);
		assertThat(this.shared.releases).isEmpty();
		assertThat(status()).isEqualTo("f\t1\t0\t0\n.\n");
	}

	/** Three stored jobs of function f: one running on the worker (its handle returned), one queued, one scheduled. */
	private String runningQueuedAndScheduled(TestPeer client, TestPeer worker) {
		String running = submitStored(client, "f", "running", "r");
		assertAssigned(grab(worker), running, "f", "r");
		submitStored(client, "f", "queued", "q");
		client.sendData(PacketType.SUBMIT_JOB_EPOCH, "e", "f", "epoch",
				String.valueOf(this.clock.currentTimeMillis() / 1000 + 60));
		this.shared.nextAdd().succeed();
		client.expect(PacketType.JOB_CREATED);
		return running;
	}

	private String submitStored(TestPeer client, String function, String unique, String data) {
		client.sendData(PacketType.SUBMIT_JOB_BG, data, function, unique);
		this.shared.nextAdd().succeed();
		return client.expect(PacketType.JOB_CREATED).arg(0);
	}

	private static StoredJob stored(String function, String unique, int priority, String data, long whenToRun,
			long sequence, String handle) {
		return new StoredJob(function, unique, priority, TestPeer.bytes(data), whenToRun, sequence, 0, null, handle);
	}

	/** A shared store: adds complete when the test says so; removes and releases are recorded. */
	static final class SharedStore implements JobStore {

		private final DurableStoreTests.ControlledStore adds = new DurableStoreTests.ControlledStore();

		final LinkedBlockingQueue<String> removes = new LinkedBlockingQueue<>();

		final LinkedBlockingQueue<String> releases = new LinkedBlockingQueue<>();

		volatile boolean isShared = true;

		@Override
		public boolean isDurable() {
			return true;
		}

		@Override
		public boolean isShared() {
			return this.isShared;
		}

		@Override
		public String handleScope() {
			return SCOPE;
		}

		@Override
		public void add(StoredJob job, Consumer<Throwable> callback) {
			this.adds.add(job, callback);
		}

		@Override
		public void remove(String function, String unique, long sequence) {
			this.removes.add(function + "/" + unique + "/" + sequence);
		}

		@Override
		public void release(String function, String unique, long sequence) {
			this.releases.add(function + "/" + unique + "/" + sequence);
		}

		@Override
		public void replay(Consumer<StoredJob> sink) {
		}

		PendingAdd nextAdd() {
			return this.adds.nextAdd();
		}

	}

}
