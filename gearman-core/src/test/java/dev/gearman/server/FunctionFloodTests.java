package dev.gearman.server;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.time.Duration;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that registers a hundred thousand functions and leaves: the server takes no more of them than one worker
 * may register, and forgets them once nobody has used them for the retention period, so the heap is back where it
 * was. (Before: all 100,000 stayed for ever, as in gearmand.)
 */
class FunctionFloodTests extends HostilePeerTestSupport {

	@Test
	void functionsRegisteredByAPeerThatLeftShouldBeForgottenAndTheirMemoryFreed() throws Exception {
		start((settings) -> settings.setIdleFunctionRetention(Duration.ofMillis(500)));
		Socket admin = plainSocket();
		assertThat(listLines(admin, "status")).isZero();
		long heapBefore = heapAfterGc();
		Socket flooder = plainSocket();
		// the flooder reads what it is sent (an ERROR for each CAN_DO refused), so that only the functions count
		ReplyCounter replies = countReplies(flooder);
		ByteArrayOutputStream batch = new ByteArrayOutputStream();
		for (int i = 0; i < 100_000; i++) {
			batch.write(wire(Packet.request(PacketType.CAN_DO, String.format("%06d", i) + "f".repeat(206))));
			if (batch.size() > 1024 * 1024) {
				send(flooder, batch.toByteArray());
				batch.reset();
			}
		}
		batch.write(wire(Packet.requestWithData(PacketType.ECHO_REQ, ascii("done"))));
		send(flooder, batch.toByteArray());
		awaitTrue("the flood was handled", 30_000, () -> replies.count(PacketType.ECHO_RES) == 1);
		assertThat(listLines(admin, "status")).as("functions known while the flooder is connected")
			.isLessThanOrEqualTo(1000);
		flooder.close();
		Thread.sleep(1500);
		assertThat(listLines(admin, "status")).as("functions known after the retention period").isZero();
		long heapGrowth = heapAfterGc() - heapBefore;
		assertThat(heapGrowth).as("heap growth after the flood").isLessThan(8L * MIB);
		// and the server still takes new functions
		RawConnection client = connect();
		client.sendData(PacketType.SUBMIT_JOB_BG, "data", "after", "");
		client.expect(PacketType.JOB_CREATED);
	}

}
