package dev.gearman.server.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.server.store.StoredJob;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A job's life through the {@link JobRegistry}: every way a job ends (completed, cancelled queued or running, its
 * worker lost, the retry limit, its client gone, the function dropped, the engine stopped) leaves no unique-id
 * reservation, stored row or payload buffer behind, and every move is one the {@link JobState} table allows and is
 * reported to the listener.
 */
class JobLifecycleTests extends EngineTestSupport {

	private final RowStore rows = new RowStore();

	private final List<String> moves = new CopyOnWriteArrayList<>();

	JobLifecycleTests() {
		this.listener = new EngineListener() {

			@Override
			public void jobMoved(String function, JobState from, JobState to) {
				JobLifecycleTests.this.moves.add(from + ">" + to);
			}

			@Override
			public void jobEnded(String function, EndReason reason) {
				JobLifecycleTests.this.moves.add(reason.name());
			}

		};
	}

	@Test
	void completedBackgroundJobShouldLeaveNothingAndMoveThroughStoring() {
		this.store = this.rows;
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submitBg(client, "f", "u", "data");
		assertThat(this.rows.live).hasSize(1);
		grab(worker);
		complete(worker, handle, "r");
		assertNothingLeft();
		assertThat(this.moves).containsExactly("NEW>STORING", "STORING>QUEUED", "QUEUED>RUNNING", "RUNNING>DONE",
				"COMPLETED");
	}

	@Test
	void completedForegroundJobShouldFreeItsPayloadBuffer() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		ByteBuf payload = payload("large");
		String handle = submitWithBuffer(client, PacketType.SUBMIT_JOB, payload);
		assertThat(payload.refCnt()).as("held by the job").isEqualTo(1);
		grab(worker).release();
		complete(worker, handle, "r");
		client.expect(PacketType.WORK_COMPLETE, handle);
		assertNothingLeft();
		assertThat(payload.refCnt()).isZero();
		assertThat(this.moves).containsExactly("NEW>QUEUED", "QUEUED>RUNNING", "RUNNING>DONE", "COMPLETED");
	}

	@Test
	void cancelledQueuedJobShouldLeaveNothing() {
		this.store = this.rows;
		String handle = submitBg(peer(), "f", "u", "data");
		assertThat(admin("cancel job " + handle)).isEqualTo("OK\r\n");
		assertNothingLeft();
		assertThat(this.moves).endsWith("QUEUED>DONE", "CANCELLED");
		expectNoJob(worker("f"));
	}

	@Test
	void cancelledRunningJobShouldLoseItsRowAtOnceAndTheRestWhenItsWorkerReports() {
		this.store = this.rows;
		TestPeer worker = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		grab(worker);
		assertThat(admin("cancel job " + handle)).isEqualTo("OK\r\n");
		assertThat(this.rows.live).as("a cancelled job must not run again after a restart").isEmpty();
		assertThat(showJobs()).as("running on, its result ignored").isEqualTo(handle + "\t0\t1\t0\n.\n");
		complete(worker, handle, "r");
		worker.expectNoMessage();
		assertNothingLeft();
		assertThat(this.moves).endsWith("QUEUED>RUNNING", "RUNNING>ABANDONED", "ABANDONED>DONE", "ABANDONED");
	}

	@Test
	void cancelledRunningForegroundJobShouldFailItsClientAndFreeItsBufferWhenItsWorkerLetsGo() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		ByteBuf payload = payload("large");
		String handle = submitWithBuffer(client, PacketType.SUBMIT_JOB, payload);
		grab(worker).release();
		admin("cancel job " + handle);
		client.expect(PacketType.WORK_FAIL, handle);
		worker.disconnect();
		assertNothingLeft();
		assertThat(payload.refCnt()).isZero();
		expectNoJob(worker("f"));
	}

	@Test
	void jobWhoseWorkerIsLostShouldRunAgainAndThenLeaveNothing() {
		this.store = this.rows;
		TestPeer first = worker("f");
		String handle = submitBg(peer(), "f", "u", "data");
		grab(first);
		first.disconnect();
		TestPeer second = worker("f");
		assertAssigned(grab(second), handle, "f", "data");
		assertThat(this.rows.live).as("requeued, still stored").hasSize(1);
		complete(second, handle, "r");
		assertNothingLeft();
		assertThat(this.moves).containsSubsequence("QUEUED>RUNNING", "RUNNING>QUEUED", "QUEUED>RUNNING",
				"RUNNING>DONE");
	}

	@Test
	void jobFailedAtTheRetryLimitShouldLeaveNothing() {
		this.settings.setRetryLimit(1);
		TestPeer client = peer();
		TestPeer worker = worker("f");
		ByteBuf payload = payload("large");
		String handle = submitWithBuffer(client, PacketType.SUBMIT_JOB, payload);
		grab(worker).release();
		worker.disconnect();
		client.expect(PacketType.WORK_FAIL, handle);
		assertNothingLeft();
		assertThat(payload.refCnt()).isZero();
		assertThat(this.moves).endsWith("RUNNING>DONE", "FAILED");
	}

	@Test
	void storedJobFailedAtTheRetryLimitShouldLoseItsRow() {
		this.settings.setRetryLimit(1);
		this.store = this.rows;
		TestPeer worker = worker("f");
		submitBg(peer(), "f", "u", "data");
		grab(worker);
		worker.disconnect();
		assertNothingLeft();
	}

	@Test
	void queuedJobWhoseClientLeftShouldLeaveNothing() {
		TestPeer client = peer();
		ByteBuf payload = payload("large");
		submitWithBuffer(client, PacketType.SUBMIT_JOB, payload);
		client.disconnect();
		assertNothingLeft();
		assertThat(payload.refCnt()).isZero();
		assertThat(this.moves).endsWith("QUEUED>DONE", "ABANDONED");
	}

	@Test
	void droppedFunctionShouldLeaveNothing() {
		this.store = this.rows;
		String handle = submitBg(peer(), "f", "u", "data");
		assertThat(admin("drop function f")).isEqualTo("ERR there are still queued jobs\r\n");
		admin("cancel job " + handle);
		assertThat(admin("drop function f")).isEqualTo("OK\r\n");
		assertThat(status()).isEqualTo(".\n");
		assertNothingLeft();
		// the unique id is free: a new submission is a new job under the function, created again
		assertThat(submitBg(peer(), "f", "u", "data")).isEqualTo(handle(2));
	}

	@Test
	void stoppedEngineShouldFreeThePayloadsOfJobsItStillHeldAndKeepTheirRows() {
		this.store = this.rows;
		ByteBuf payload = payload("large");
		submitWithBuffer(peer(), PacketType.SUBMIT_JOB, payload);
		submitBg(peer(), "f", "u", "data");
		engine().close();
		assertThat(payload.refCnt()).isZero();
		assertThat(this.rows.live).as("stored jobs stay for the next start").hasSize(1);
	}

	@Test
	void everyMoveOfTheTableShouldBeAllowedAndNoOther() {
		List<String> allowed = new ArrayList<>();
		for (JobState from : JobState.values()) {
			for (JobState to : JobState.values()) {
				if (from.canMoveTo(to)) {
					allowed.add(from + ">" + to);
				}
			}
		}
		assertThat(allowed).containsExactlyInAnyOrder("NEW>STORING", "NEW>SCHEDULED", "NEW>QUEUED", "NEW>WAITING",
				"STORING>SCHEDULED", "STORING>QUEUED", "STORING>DONE", "SCHEDULED>QUEUED", "SCHEDULED>DONE",
				"QUEUED>RUNNING", "QUEUED>DONE", "RUNNING>QUEUED", "RUNNING>WAITING", "RUNNING>ABANDONED",
				"RUNNING>DONE", "WAITING>QUEUED", "WAITING>DONE", "ABANDONED>RUNNING", "ABANDONED>DONE");
	}

	@Test
	void endingAJobTwiceShouldFailLoudly() {
		JobEngine engine = engine();
		Throwable failure = engine.call(() -> {
			JobRegistry registry = new JobRegistry("H:t", NonDurableJobStore.INSTANCE, engine.loop(),
					EngineListener.NONE, new Outbox());
			registry.restorer().replay(new StoredJob("f", "u", 1, new byte[0], 0, 1), new FunctionTable(0, 0, 512, 0, engine.loop(), dev.gearman.server.retry.RetryRules.of(dev.gearman.server.retry.RetryPolicy.GEARMAND)).functionForReplay("f"));
			Job job = registry.byHandle("H:t:1");
			registry.end(job, EndReason.CANCELLED);
			try {
				registry.end(job, EndReason.CANCELLED);
				return null;
			}
			catch (IllegalJobMoveException ex) {
				return ex;
			}
		}).join();
		assertThat(failure).isInstanceOf(IllegalJobMoveException.class).hasMessageContaining("DONE -> DONE");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> {
			throw failure;
		});
	}

	private void assertNothingLeft() {
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
		assertThat(this.rows.live).as("stored rows").isEmpty();
	}

	private static ByteBuf payload(String text) {
		return Unpooled.directBuffer().writeBytes(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Submits with the payload in a buffer, as the server's decoder passes large ones. The packet takes the buffer's
	 * one reference, so its count says who holds it: 1 while the job does, 0 once freed.
	 */
	private static String submitWithBuffer(TestPeer client, PacketType type, ByteBuf payload) {
		client.sendPacket(Packet.requestWithData(type, payload, "f", ""));
		return client.expect(PacketType.JOB_CREATED).arg(0);
	}

	/** A durable store that acknowledges at once and keeps the rows as "function/unique/sequence". */
	static final class RowStore implements JobStore {

		final Set<String> live = ConcurrentHashMap.newKeySet();

		@Override
		public boolean isDurable() {
			return true;
		}

		@Override
		public void add(StoredJob job, Consumer<Throwable> callback) {
			this.live.add(job.function() + "/" + job.unique() + "/" + job.sequence());
			callback.accept(null);
		}

		@Override
		public void remove(String function, String unique, long sequence) {
			this.live.remove(function + "/" + unique + "/" + sequence);
		}

		@Override
		public void replay(Consumer<StoredJob> sink) {
		}

	}

}
