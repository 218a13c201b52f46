package dev.gearman.server;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker that registers fifty thousand functions and asks for a job in a tight loop: a GRAB costs what the
 * functions with work cost, not what the worker registered (and it may register at most a thousand), so the round
 * trips of everyone else barely move. (Before: every GRAB walked all 50,000 abilities; other clients' round trips
 * went to a p50 of 243 ms.)
 */
class GrabSpinTests extends HostilePeerTestSupport {

	@Test
	void workerSpinningGrabJobWithFiftyThousandAbilitiesShouldNotSlowOthersDown() throws Exception {
		start((settings) -> {
		});
		// the well-behaved round trip first, on the same machine at the same moment
		Bystander quiet = bystander();
		Thread.sleep(1000);
		double[] before = quiet.stop();
		Socket spinner = plainSocket();
		ByteArrayOutputStream abilities = new ByteArrayOutputStream();
		for (int i = 0; i < 50_000; i++) {
			abilities.write(wire(Packet.request(PacketType.CAN_DO, "ability-" + i)));
		}
		abilities.write(wire(Packet.requestWithData(PacketType.ECHO_REQ, ascii("registered"))));
		AtomicBoolean spinning = new AtomicBoolean(true);
		ReplyCounter replies = countReplies(spinner);
		send(spinner, abilities.toByteArray());
		awaitTrue("the abilities were handled", 30_000, () -> replies.count(PacketType.ECHO_RES) == 1);
		// GRAB_JOB in bursts of 100, as fast as the server answers them
		byte[] burst = new byte[12 * 100];
		for (int i = 0; i < 100; i++) {
			System.arraycopy(header(PacketType.GRAB_JOB, 0), 0, burst, 12 * i, 12);
		}
		CompletableFuture<Void> spin = CompletableFuture.runAsync(() -> {
			while (spinning.get()) {
				send(spinner, burst);
			}
		});
		Bystander during = bystander();
		Thread.sleep(2000);
		double[] attacked = during.stop();
		spinning.set(false);
		spin.get(10, TimeUnit.SECONDS);
		assertThat(replies.count(PacketType.NO_JOB)).as("GRAB_JOBs answered").isGreaterThan(1000);
		double p50 = Bystander.percentile(attacked, 50);
		double p99 = Bystander.percentile(attacked, 99);
		assertThat(p50).as("bystander p50 (ms) while the worker spins; %s before", Bystander.percentile(before, 50))
			.isLessThan(Math.max(20, 5 * Bystander.percentile(before, 50)));
		assertThat(p99).as("bystander p99 (ms) while the worker spins; %s before", Bystander.percentile(before, 99))
			.isLessThan(Math.max(100, 5 * Bystander.percentile(before, 99)));
	}

}
