package dev.gearman.server.engine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.RecordingJobStore;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stored queue larger than the queued-bytes budget: the engine loads what fits at start and the rest, in sequence
 * order, as jobs finish; the jobs it creates meanwhile are numbered after every stored one.
 */
class ReplayBacklogTests extends EngineTestSupport {

	/** What a stored job of 100 bytes costs the budget. */
	private static final long JOB_COST = 100 + ReplayBacklog.JOB_OVERHEAD;

	private final TableStore table = new TableStore();

	ReplayBacklogTests() {
		this.store = this.table;
	}

	@Test
	void storedQueueLargerThanTheBudgetShouldBeLoadedInPartsAndRunInOrder() {
		this.settings.setMaxQueuedBytes(10 * JOB_COST);
		for (int i = 1; i <= 50; i++) {
			this.table.put(new StoredJob("f", "u" + i, 1, payload(i), 0, i));
		}
		assertThat(engine().replay()).as("jobs loaded at start").isEqualTo(10);
		assertThat(status()).isEqualTo("f\t10\t0\t0\n.\n");
		TestPeer worker = worker("f");
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			Packet assign = grabWaiting(worker);
			order.add(Integer.parseInt(new String(assign.data(), StandardCharsets.US_ASCII).trim()));
			complete(worker, assign.arg(0), "done");
		}
		assertThat(order).as("the order jobs ran in").isSorted().hasSize(50).doesNotHaveDuplicates();
		expectNoJob(worker);
		assertThat(status()).isEqualTo("f\t0\t0\t1\n.\n");
		assertThat(this.table.rows).isEmpty();
	}

	@Test
	void jobsSubmittedWhileStoredJobsWaitShouldBeNumberedAfterThemAndNotBeLoadedTwice() {
		this.settings.setMaxQueuedBytes(10 * JOB_COST);
		for (int i = 1; i <= 30; i++) {
			this.table.put(new StoredJob("f", "u" + i, 1, payload(i), 0, i));
		}
		assertThat(engine().replay()).isEqualTo(10);
		TestPeer client = peer();
		submitBg(client, "f", "new", "  99");
		assertThat(this.table.added).singleElement()
			.satisfies((job) -> assertThat(job.sequence()).as("sequence of the new job").isGreaterThan(30));
		TestPeer worker = worker("f");
		List<Integer> ran = new ArrayList<>();
		for (int i = 0; i < 31; i++) {
			Packet assign = grabWaiting(worker);
			ran.add(Integer.parseInt(new String(assign.data(), StandardCharsets.US_ASCII).trim()));
			complete(worker, assign.arg(0), "done");
		}
		// every stored job once, none of them read again with the new one's row, which the store holds as well
		assertThat(ran).containsExactlyInAnyOrderElementsOf(expected());
		expectNoJob(worker);
		assertThat(this.table.rows).isEmpty();
	}

	private static List<Integer> expected() {
		List<Integer> numbers = new ArrayList<>();
		for (int i = 1; i <= 30; i++) {
			numbers.add(i);
		}
		numbers.add(99);
		return numbers;
	}

	/** GRAB_JOB until a job is assigned, sleeping (PRE_SLEEP until NOOP) while the next part is being read. */
	private static Packet grabWaiting(TestPeer worker) {
		for (int attempt = 0; attempt < 100; attempt++) {
			worker.send(PacketType.GRAB_JOB);
			Packet reply = worker.next() instanceof Packet packet ? packet : null;
			assertThat(reply).isNotNull();
			if (reply.type() == PacketType.JOB_ASSIGN) {
				return reply;
			}
			assertThat(reply.type()).isEqualTo(PacketType.NO_JOB);
			worker.send(PacketType.PRE_SLEEP);
			worker.expect(PacketType.NOOP);
		}
		throw new AssertionError("no job assigned");
	}

	private static byte[] payload(int number) {
		byte[] data = String.format("%4d", number).getBytes(StandardCharsets.US_ASCII);
		byte[] padded = new byte[100];
		System.arraycopy(data, 0, padded, 0, data.length);
		java.util.Arrays.fill(padded, data.length, padded.length, (byte) ' ');
		return padded;
	}

	/** A store that keeps its rows, as a table does: inserts add one, deletes remove one, replay reads them in order. */
	private static final class TableStore extends RecordingJobStore {

		final ConcurrentSkipListMap<Long, StoredJob> rows = new ConcurrentSkipListMap<>();

		void put(StoredJob job) {
			this.rows.put(job.sequence(), job);
		}

		@Override
		public void add(StoredJob job, Consumer<Throwable> callback) {
			put(job);
			super.add(job, callback);
		}

		@Override
		public void remove(String function, String unique, long sequence) {
			this.rows.remove(sequence);
		}

		@Override
		public void replay(Consumer<StoredJob> sink) {
			this.rows.values().forEach(sink);
		}

	}

}
