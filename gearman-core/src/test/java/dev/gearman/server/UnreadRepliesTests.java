package dev.gearman.server;

import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that sends many commands in one go and does not read the replies: past its reply budget its commands wait,
 * unrun, so the server builds no more replies for it than the budget holds, and everyone else is served meanwhile.
 * When it reads, the rest of its commands run and every reply arrives. (Before: one read of 1,500 {@code status}
 * lines built 1,500 replies before the first was written, holding the engine meanwhile.)
 */
class UnreadRepliesTests extends HostilePeerTestSupport {

	private static final int FUNCTIONS = 500;

	private static final int LINES = 1500;

	@Test
	void adminLinesOfAPeerThatDoesNotReadShouldWaitUntilItReads() throws Exception {
		start((settings) -> {
		});
		// a status reply of about 250 KB
		registerFunctions(FUNCTIONS);
		Bystander bystander = bystander();
		MemoryWatch memory = watchMemory();
		long heapBefore = heapAfterGc();
		Socket attacker = attacker();
		send(attacker, ascii("status\n".repeat(LINES)));
		// long enough for the server to have built every reply if it did not hold the commands back
		Thread.sleep(1500);
		long heapGrowth = heapAfterGc() - heapBefore;
		assertThat(memory.peak()).as("buffer memory while %d status lines wait", LINES).isLessThan(16L * MIB);
		assertThat(heapGrowth).as("heap growth while %d status lines wait", LINES).isLessThan(32L * MIB);
		bystander.assertServedWithin(200);
		// the peer reads: the commands it held run, and every reply arrives
		assertThat(countStatusReplies(attacker.getInputStream(), LINES)).isEqualTo(LINES);
		assertThat(this.server.connections()).as("connections still open").isEqualTo(3);
	}

	@Test
	void manyPeersThatDoNotReadShouldBeHeldToTheGlobalLimitWhileReadersAreServed() throws Exception {
		start((settings) -> {
			settings.setReplyBudgetPerConnection(MIB);
			settings.setMaxReplyBytes(4L * MIB);
		});
		registerFunctions(1000);
		// a peer that reads its replies, as large as theirs (500 KB), is never the one closed
		Socket reader = plainSocket();
		readStatus(reader, 20);
		Bystander bystander = bystander();
		MemoryWatch memory = watchMemory();
		List<Socket> attackers = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			Socket attacker = attacker();
			// 15 MB asked for: more than the kernel's socket buffers take, so the rest waits in the server
			send(attacker, ascii("status\n".repeat(30)));
			attackers.add(attacker);
		}
		readStatus(reader, 20);
		Thread.sleep(1000);
		// each attacker would leave its budget and a reply unread beyond what the kernel took: 11 MB measured without a
		// global limit; held to 4 MiB and about a reply each, then the largest backlogs closed
		assertThat(memory.peak()).as("buffer memory of 20 peers that do not read").isLessThan(9L * MIB);
		assertThat(this.server.connections()).as("connections left open").isLessThan(attackers.size() + 3);
		double[] roundTrips = bystander.assertServedWithin(1000);
		assertThat(Bystander.percentile(roundTrips, 50)).as("bystander p50 (ms)").isLessThan(50);
		readStatus(reader, 1);
	}

	private void registerFunctions(int count) {
		// names of 500 bytes: a status reply of about 500 bytes per function
		RawConnection worker = connect();
		for (int i = 0; i < count; i++) {
			worker.send(PacketType.CAN_DO, String.format("%03d", i) + "f".repeat(497));
		}
		worker.sync();
	}

	/** Sends status and reads the reply, as often as asked. */
	private static void readStatus(Socket reader, int times) throws Exception {
		for (int i = 0; i < times; i++) {
			send(reader, ascii("status\n"));
			assertThat(countStatusReplies(reader.getInputStream(), 1)).isEqualTo(1);
		}
	}

	/** Reads status replies (lists ending in ".\n") until the expected number arrived or the stream ends. */
	private static int countStatusReplies(InputStream in, int expected) throws Exception {
		byte[] chunk = new byte[256 * 1024];
		int replies = 0;
		// the last two bytes seen, to find "\n.\n" across chunk boundaries; a list never starts with "."
		int previous = '\n';
		int beforePrevious = 0;
		while (replies < expected) {
			int n = in.read(chunk);
			if (n < 0) {
				break;
			}
			for (int i = 0; i < n; i++) {
				int b = chunk[i];
				if (b == '\n' && previous == '.' && beforePrevious == '\n') {
					replies++;
				}
				beforePrevious = previous;
				previous = b;
			}
		}
		return replies;
	}

}
