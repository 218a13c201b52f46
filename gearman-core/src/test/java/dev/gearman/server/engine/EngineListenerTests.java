package dev.gearman.server.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job events the engine reports to its {@link EngineListener}, on which the server's metrics rest.
 */
class EngineListenerTests extends EngineTestSupport {

	private final RecordingListener events = new RecordingListener();

	@BeforeEach
	void useRecordingListener() {
		this.listener = this.events;
	}

	@Test
	void completedJobShouldReportSubmittedStartedAndCompleted() throws Exception {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "u", "data");
		advance(Duration.ofMillis(5));
		grab(worker);
		advance(Duration.ofMillis(7));
		complete(worker, handle, "done");
		client.expectData(PacketType.WORK_COMPLETE, "done", handle);
		assertThat(this.events.names()).containsExactly("submitted f NORMAL fg", "started f", "finished f COMPLETED");
		assertThat(this.events.waits.get(0)).as("queue wait: the time before GRAB").isEqualTo(5_000_000L);
		assertThat(this.events.runs.get(0)).as("run time: from GRAB to WORK_COMPLETE").isEqualTo(7_000_000L);
	}

	@Test
	void failAndExceptionShouldBeReportedAsSuch() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String first = submitBg(client, "f", "", "a");
		String second = submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "b");
		grab(worker);
		worker.send(PacketType.WORK_FAIL, second);
		grab(worker);
		worker.sendData(PacketType.WORK_EXCEPTION, "boom", first);
		sync();
		assertThat(this.events.names()).containsExactly("submitted f NORMAL bg", "submitted f HIGH bg", "started f",
				"finished f FAILED", "started f", "finished f EXCEPTION");
	}

	@Test
	void coalescedSubmissionShouldNotCountAsANewJob() {
		TestPeer client = peer();
		TestPeer other = peer();
		submit(client, "f", "same", "a");
		submit(other, "f", "same", "a");
		sync();
		assertThat(this.events.names()).containsExactly("submitted f NORMAL fg");
	}

	@Test
	void jobOutOfAttemptsShouldCountAsFailed() {
		this.settings.setRetryLimit(1);
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "a");
		grab(worker);
		worker.disconnect();
		client.expect(PacketType.WORK_FAIL, handle);
		assertThat(this.events.names()).containsExactly("submitted f NORMAL fg", "started f", "finished f FAILED");
	}

	@Test
	void durableBackgroundJobShouldCountOnceStoredAndNotWhenTheStoreFails() {
		DurableStoreTests.ControlledStore durable = new DurableStoreTests.ControlledStore();
		this.store = durable;
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_BG, "a", "f", "u1");
		DurableStoreTests.PendingAdd first = durable.nextAdd();
		sync();
		assertThat(this.events.names()).as("before the store acknowledged").isEmpty();
		first.fail(new IllegalStateException("down"));
		client.expectError("QUEUE_ERROR");
		client.sendData(PacketType.SUBMIT_JOB_BG, "a", "f", "u2");
		durable.nextAdd().succeed();
		client.expect(PacketType.JOB_CREATED);
		assertThat(this.events.names()).containsExactly("submitted f NORMAL bg");
	}

	@Test
	void throwingListenerShouldNotDisturbTheEngine() {
		this.listener = new EngineListener() {
			@Override
			public void jobStarted(String function, long queueWaitNanos) {
				throw new IllegalStateException("broken metrics");
			}
		};
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "a");
		grab(worker);
		complete(worker, handle, "ok");
		client.expectData(PacketType.WORK_COMPLETE, "ok", handle);
		assertThat(engine().snapshot().join().engineFailures()).isZero();
	}

	/** Records events as text; written on the engine thread, read by the test after a sync. */
	static final class RecordingListener implements EngineListener {

		final List<String> events = new CopyOnWriteArrayList<>();

		final List<Long> waits = new CopyOnWriteArrayList<>();

		final List<Long> runs = new CopyOnWriteArrayList<>();

		@Override
		public void jobSubmitted(String function, Priority priority, boolean background) {
			this.events.add("submitted " + function + " " + priority + " " + (background ? "bg" : "fg"));
		}

		@Override
		public void jobStarted(String function, long queueWaitNanos) {
			this.events.add("started " + function);
			this.waits.add(queueWaitNanos);
		}

		@Override
		public void jobFinished(String function, JobOutcome outcome, long runNanos) {
			this.events.add("finished " + function + " " + outcome);
			this.runs.add(runNanos);
		}

		List<String> names() {
			return List.copyOf(this.events);
		}

	}

}
