package dev.gearman.server.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Background jobs with a durable store: JOB_CREATED only after the store acknowledged, in submission order, and
 * store clean-up when a job ends (the {@link JobStore} contract).
 */
class DurableStoreTests extends EngineTestSupport {

	private final ControlledStore durable = new ControlledStore();

	@BeforeEach
	void useDurableStore() {
		this.store = this.durable;
	}

	@Test
	void backgroundJobCreatedShouldWaitForTheStoreToAcknowledge() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		client.sendData(PacketType.SUBMIT_JOB_HIGH_BG, "data", "f", "u");
		PendingAdd add = this.durable.nextAdd();
		assertThat(add.job().function()).isEqualTo("f");
		assertThat(add.job().unique()).isEqualTo("u");
		assertThat(add.job().priority()).isEqualTo(Priority.HIGH.ordinal());
		assertThat(add.job().data()).isEqualTo(TestPeer.bytes("data"));
		assertThat(add.job().whenToRun()).isZero();
		sync();
		assertThat(client.poll()).as("JOB_CREATED before the store acknowledged").isNull();
		expectNoJob(worker);
		add.succeed();
		client.expect(PacketType.JOB_CREATED, handle(1));
		assertThat(showJobs()).isEqualTo(handle(1) + "\t0\t0\t1\n.\n");
		assertAssigned(grab(worker), handle(1), "f", "data");
	}

	@Test
	void foregroundSubmissionPipelinedAfterABackgroundOneShouldKeepItsReplyOrderAndRunAfterIt() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		client.sendData(PacketType.SUBMIT_JOB_BG, "bg", "f", "u");
		client.sendData(PacketType.SUBMIT_JOB, "fg", "f", "");
		client.sendData(PacketType.ECHO_REQ, "ping");
		PendingAdd add = this.durable.nextAdd();
		// arrival order within a priority holds whether or not a job is stored: the background job, still being
		// stored, holds up the foreground job behind it (with the memory store the order was always right)
		expectNoJob(worker);
		sync();
		assertThat(client.poll()).as("reply overtaking the pending JOB_CREATED").isNull();
		add.succeed();
		client.expect(PacketType.JOB_CREATED, handle(1));
		client.expect(PacketType.JOB_CREATED, handle(2));
		client.expect(PacketType.ECHO_RES);
		assertAssigned(grab(worker), handle(1), "f", "bg");
		assertAssigned(grab(worker), handle(2), "f", "fg");
		complete(worker, handle(2), "result");
		client.expectData(PacketType.WORK_COMPLETE, "result", handle(2));
	}

	@Test
	void jobsBehindAStoringJobShouldWaitOnlyInItsOwnQueue() {
		TestPeer client = peer();
		TestPeer worker = worker("f", "g");
		client.sendData(PacketType.SUBMIT_JOB_BG, "bg", "f", "u");
		PendingAdd add = this.durable.nextAdd();
		TestPeer second = peer();
		String low = submit(second, PacketType.SUBMIT_JOB_LOW, "f", "", "low");
		String other = submit(second, "g", "", "other");
		// another function, and a lower priority of the same one, are not held up by the job being stored
		assertAssigned(grab(worker), other, "g", "other");
		assertAssigned(grab(worker), low, "f", "low");
		expectNoJob(worker);
		worker.send(PacketType.PRE_SLEEP);
		add.succeed();
		client.expect(PacketType.JOB_CREATED, handle(1));
		worker.expect(PacketType.NOOP);
		assertAssigned(grab(worker), handle(1), "f", "bg");
	}

	@Test
	void storeFailureShouldGiveQueueErrorAndNoJob() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		client.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		this.durable.nextAdd().fail(new IllegalStateException("disk full"));
		client.expectError("QUEUE_ERROR");
		assertThat(showJobs()).isEqualTo(".\n");
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
		expectNoJob(worker);
		client.send(PacketType.GET_STATUS, handle(1));
		client.expect(PacketType.STATUS_RES, handle(1), "0", "0", "0", "0");
		client.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		assertThat(this.durable.nextAdd().job().unique()).as("the unique is free again").isEqualTo("u");
		assertThat(this.durable.removes).isEmpty();
	}

	@Test
	void persistedJobShouldBeRemovedFromTheStoreWhenItCompletes() throws InterruptedException {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		client.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		this.durable.nextAdd().succeed();
		String handle = client.expect(PacketType.JOB_CREATED).arg(0);
		grab(worker);
		sync();
		assertThat(this.durable.removes).as("removed before the job ended").isEmpty();
		complete(worker, handle, "r");
		assertThat(this.durable.removes.poll(3, TimeUnit.SECONDS)).isEqualTo("f/u");
		sync();
		assertThat(this.durable.removes).isEmpty();
	}

	@Test
	void persistedJobShouldBeRemovedFromTheStoreWhenItFails() throws InterruptedException {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		client.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		this.durable.nextAdd().succeed();
		String handle = client.expect(PacketType.JOB_CREATED).arg(0);
		grab(worker);
		worker.send(PacketType.WORK_FAIL, handle);
		assertThat(this.durable.removes.poll(3, TimeUnit.SECONDS)).isEqualTo("f/u");
	}

	@Test
	void foregroundJobsShouldNotBeStored() {
		TestPeer client = peer();
		assertThat(submit(client, "f", "u", "data")).isEqualTo(handle(1));
		sync();
		assertThat(this.durable.adds).isEmpty();
	}

	@Test
	void duplicateSubmittedWhileStoringShouldGetJobCreatedAfterTheAcknowledgement() {
		TestPeer first = peer();
		TestPeer second = peer();
		first.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		second.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u");
		PendingAdd add = this.durable.nextAdd();
		sync();
		assertThat(this.durable.adds).as("the duplicate is not stored again").isEmpty();
		assertThat(first.poll()).isNull();
		assertThat(second.poll()).isNull();
		add.succeed();
		first.expect(PacketType.JOB_CREATED, handle(1));
		second.expect(PacketType.JOB_CREATED, handle(1));
	}

	/** A store add the test acknowledges, from the test thread, when it chooses. */
	record PendingAdd(StoredJob job, CompletableFuture<Void> acknowledgement) {

		void succeed() {
			this.acknowledgement.complete(null);
		}

		void fail(Throwable failure) {
			this.acknowledgement.completeExceptionally(failure);
		}

	}

	/** A durable store whose adds complete only when the test says so; removes are recorded as "function/unique". */
	static final class ControlledStore implements JobStore {

		final LinkedBlockingQueue<PendingAdd> adds = new LinkedBlockingQueue<>();

		final LinkedBlockingQueue<String> removes = new LinkedBlockingQueue<>();

		@Override
		public boolean isDurable() {
			return true;
		}

		@Override
		public void add(StoredJob job, Consumer<Throwable> callback) {
			CompletableFuture<Void> acknowledgement = new CompletableFuture<>();
			acknowledgement.whenComplete((ignored, failure) -> callback.accept(failure));
			this.adds.add(new PendingAdd(job, acknowledgement));
		}

		@Override
		public void remove(String function, String unique, long sequence) {
			this.removes.add(function + "/" + unique);
		}

		@Override
		public void replay(Consumer<StoredJob> sink) {
		}

		PendingAdd nextAdd() {
			try {
				PendingAdd add = this.adds.poll(TestPeer.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				assertThat(add).as("a store add within %s", TestPeer.TIMEOUT).isNotNull();
				return add;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}

	}

}
