package dev.gearman.server.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Draining for a graceful shutdown: running jobs finish, nothing new is handed out, and submissions that could not
 * outlive the stop are refused.
 */
class DrainTests extends EngineTestSupport {

	@Test
	void drainShouldCompleteOnlyWhenTheRunningJobFinished() throws Exception {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submit(client, "f", "", "a");
		grab(worker);
		CompletableFuture<Void> drained = engine().drain();
		sync();
		assertThat(drained).as("drained while a job runs").isNotDone();
		complete(worker, handle, "result");
		drained.get(3, TimeUnit.SECONDS);
		client.expectData(PacketType.WORK_COMPLETE, "result", handle);
		assertThat(engine().snapshot().join().draining()).isTrue();
	}

	@Test
	void drainWithNothingRunningShouldCompleteAtOnce() throws Exception {
		submitBg(peer(), "f", "", "queued");
		engine().drain().get(3, TimeUnit.SECONDS);
	}

	@Test
	void queuedJobsShouldNotBeHandedOutWhileDraining() throws Exception {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		submitBg(client, "f", "", "queued");
		engine().drain().get(3, TimeUnit.SECONDS);
		expectNoJob(worker);
		worker.send(PacketType.PRE_SLEEP);
		sync();
		assertThat(worker.poll()).as("NOOP to a sleeping worker while draining").isNull();
		assertThat(status()).as("the queued job stays").isEqualTo("f\t1\t0\t1\n.\n");
	}

	@Test
	void sleepingWorkerShouldNotBeWokenWhileDraining() throws Exception {
		DurableStoreTests.ControlledStore durable = new DurableStoreTests.ControlledStore();
		this.store = durable;
		TestPeer worker = worker("f");
		worker.send(PacketType.PRE_SLEEP);
		sync();
		engine().drain().get(3, TimeUnit.SECONDS);
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_BG, "x", "f", "");
		durable.nextAdd().succeed();
		client.expect(PacketType.JOB_CREATED);
		assertThat(worker.poll()).as("NOOP while draining").isNull();
	}

	@Test
	void submissionsThatCannotOutliveTheStopShouldBeRefused() throws Exception {
		TestPeer client = peer();
		engine().drain().get(3, TimeUnit.SECONDS);
		client.sendData(PacketType.SUBMIT_JOB, "fg", "f", "");
		client.expectError("SHUTTING_DOWN");
		client.sendData(PacketType.SUBMIT_JOB_BG, "bg in memory", "f", "");
		client.expectError("SHUTTING_DOWN");
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void durableBackgroundSubmissionShouldStillBeAcceptedWhileDraining() throws Exception {
		DurableStoreTests.ControlledStore durable = new DurableStoreTests.ControlledStore();
		this.store = durable;
		TestPeer client = peer();
		TestPeer worker = worker("f");
		engine().drain().get(3, TimeUnit.SECONDS);
		client.sendData(PacketType.SUBMIT_JOB_BG, "kept", "f", "u");
		durable.nextAdd().succeed();
		client.expect(PacketType.JOB_CREATED);
		expectNoJob(worker);
		assertThat(durable.removes).as("a queued durable job stays in the store").isEmpty();
	}

	@Test
	void drainShouldWaitForTheStoreToAnswerPendingSubmissions() throws Exception {
		DurableStoreTests.ControlledStore durable = new DurableStoreTests.ControlledStore();
		this.store = durable;
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_BG, "pending", "f", "u");
		DurableStoreTests.PendingAdd add = durable.nextAdd();
		CompletableFuture<Void> drained = engine().drain();
		sync();
		assertThat(drained).as("drained while the client waits for JOB_CREATED").isNotDone();
		add.succeed();
		drained.get(3, TimeUnit.SECONDS);
		client.expect(PacketType.JOB_CREATED);
	}

	@Test
	void storeAnsweringAfterTheEngineStoppedShouldNotThrowIntoTheStore() throws Exception {
		CompletableFuture<Consumer<Throwable>> callback = new CompletableFuture<>();
		this.store = new JobStore() {
			@Override
			public boolean isDurable() {
				return true;
			}

			@Override
			public void add(StoredJob job, Consumer<Throwable> done) {
				callback.complete(done);
			}

			@Override
			public void remove(String function, String unique, long sequence) {
			}

			@Override
			public void replay(Consumer<StoredJob> sink) {
			}
		};
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_BG, "late", "f", "u");
		Consumer<Throwable> done = callback.get(3, TimeUnit.SECONDS);
		engine().close();
		assertThatNoException().as("the store's thread answering late").isThrownBy(() -> done.accept(null));
	}

}
