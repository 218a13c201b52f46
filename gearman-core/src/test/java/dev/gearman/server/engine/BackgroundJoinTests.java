package dev.gearman.server.engine;

import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.engine.DurableStoreTests.ControlledStore;
import dev.gearman.server.engine.DurableStoreTests.PendingAdd;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A background submission whose unique id matches a foreground job joins it: acknowledged means stored, so the job
 * becomes a stored background job before that JOB_CREATED, and it no longer depends on its foreground clients.
 */
class BackgroundJoinTests extends EngineTestSupport {

	private final ControlledStore durable = new ControlledStore();

	@Test
	void backgroundJoinOnAQueuedForegroundJobShouldStoreItBeforeJobCreated() throws InterruptedException {
		this.store = this.durable;
		TestPeer foreground = peer();
		TestPeer background = peer();
		String handle = submit(foreground, "f", "invoice-7", "data");
		background.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "invoice-7");
		PendingAdd add = this.durable.nextAdd();
		assertThat(add.job().unique()).isEqualTo("invoice-7");
		assertThat(add.job().data()).isEqualTo(TestPeer.bytes("data"));
		sync();
		assertThat(background.poll()).as("JOB_CREATED before the store committed").isNull();
		add.succeed();
		background.expect(PacketType.JOB_CREATED, handle);
		assertThat(showJobs()).isEqualTo(handle + "\t0\t0\t1\n.\n");
		// the foreground client leaving must not take the acknowledged background job with it
		foreground.disconnect();
		TestPeer worker = worker("f");
		assertAssigned(grab(worker), handle, "f", "data");
		complete(worker, handle, "done");
		assertThat(this.durable.removes.poll(3, TimeUnit.SECONDS)).isEqualTo("f/invoice-7");
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void foregroundClientLeavingWhileTheJoinIsStoredShouldNotDropTheJob() {
		this.store = this.durable;
		TestPeer foreground = peer();
		TestPeer background = peer();
		String handle = submit(foreground, "f", "u", "data");
		background.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		PendingAdd add = this.durable.nextAdd();
		foreground.disconnect();
		add.succeed();
		background.expect(PacketType.JOB_CREATED, handle);
		assertAssigned(grab(worker("f")), handle, "f", "data");
	}

	@Test
	void backgroundJoinOnARunningJobWhoseClientLeftShouldKeepItsResultWanted() throws InterruptedException {
		this.store = this.durable;
		TestPeer foreground = peer();
		TestPeer worker = worker("f");
		String handle = submit(foreground, "f", "u", "data");
		grab(worker);
		foreground.disconnect();
		sync();
		assertThat(showJobs()).as("abandoned while it runs").isEqualTo(handle + "\t0\t1\t0\n.\n");
		TestPeer background = peer();
		background.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		this.durable.nextAdd().succeed();
		background.expect(PacketType.JOB_CREATED, handle);
		assertThat(showJobs()).isEqualTo(handle + "\t0\t0\t1\n.\n");
		// its worker dies: the background job runs again instead of being dropped as abandoned
		worker.disconnect();
		TestPeer next = worker("f");
		assertAssigned(grab(next), handle, "f", "data");
		complete(next, handle, "r");
		assertThat(this.durable.removes.poll(3, TimeUnit.SECONDS)).isEqualTo("f/u");
	}

	@Test
	void failedStoreOfAJoinShouldAnswerQueueErrorAndLeaveTheForegroundJobAsItWas() {
		this.store = this.durable;
		TestPeer foreground = peer();
		TestPeer background = peer();
		String handle = submit(foreground, "f", "u", "data");
		background.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		this.durable.nextAdd().fail(new IllegalStateException("disk full"));
		background.expectError("QUEUE_ERROR");
		assertThat(showJobs()).isEqualTo(handle + "\t0\t0\t0\n.\n");
		TestPeer worker = worker("f");
		grab(worker);
		complete(worker, handle, "r");
		foreground.expectData(PacketType.WORK_COMPLETE, "r", handle);
		sync();
		assertThat(this.durable.removes).as("nothing was stored, so nothing is deleted").isEmpty();
	}

	@Test
	void failedStoreOfAJoinShouldDropTheJobIfItsForegroundClientLeftMeanwhile() {
		this.store = this.durable;
		TestPeer foreground = peer();
		TestPeer background = peer();
		submit(foreground, "f", "u", "data");
		background.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		PendingAdd add = this.durable.nextAdd();
		foreground.disconnect();
		add.fail(new IllegalStateException("disk full"));
		background.expectError("QUEUE_ERROR");
		assertThat(showJobs()).isEqualTo(".\n");
		expectNoJob(worker("f"));
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void backgroundJoinWithTheMemoryStoreShouldAlsoOutliveTheForegroundClient() {
		TestPeer foreground = peer();
		TestPeer background = peer();
		String handle = submit(foreground, "f", "u", "data");
		assertThat(submitBg(background, "f", "u", "data")).isEqualTo(handle);
		foreground.disconnect();
		assertAssigned(grab(worker("f")), handle, "f", "data");
	}

}
