package dev.gearman.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many clients waiting on one job, and a worker that streams WORK_DATA to them: the clients share one copy of every
 * packet's data, so a hundred clients that never read cost about what one does; a client that lets more than its
 * hard limit pile up is closed, and the others, the worker and everyone else are served throughout. (Before: each
 * client held a copy of every packet, a hundred of 65 MB.)
 */
class FanOutTests extends HostilePeerTestSupport {

	private static final int CHUNK = 65_000;

	@Test
	void dataStreamedToAHundredClientsThatDoNotReadShouldBeHeldOnce() throws Exception {
		start((settings) -> {
		});
		List<Socket> sleepers = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			Socket sleeper = attacker();
			send(sleeper, wire(Packet.requestWithData(PacketType.SUBMIT_JOB, ascii("x"), "stream", "one-job")));
			sleepers.add(sleeper);
		}
		RawConnection reader = connect();
		reader.send(Packet.requestWithData(PacketType.SUBMIT_JOB, ascii("x"), "stream", "one-job"));
		String handle = reader.expect(PacketType.JOB_CREATED).arg(0);
		RawConnection worker = RawConnection.worker(TestServers.HOST, this.server.port(), null, "stream");
		assertThat(worker.grabBlocking(java.time.Duration.ofSeconds(5)).arg(0)).isEqualTo(handle);
		Bystander bystander = bystander();
		MemoryWatch memory = watchMemory();
		CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> readStream(reader, handle));
		byte[] chunk = new byte[CHUNK];
		for (int i = 0; i < 1000; i++) {
			Arrays.fill(chunk, (byte) i);
			worker.send(Packet.requestWithData(PacketType.WORK_DATA, chunk, handle));
			if (i % 50 == 0) {
				assertThat(memory.peak()).as("buffer memory after %d WORK_DATA of %d bytes", i, CHUNK)
					.isLessThan(160L * MIB);
			}
		}
		worker.sendData(PacketType.WORK_COMPLETE, "done", handle);
		worker.sync();
		assertThat(received.get(30, TimeUnit.SECONDS)).as("WORK_DATA the reading client got").isEqualTo(1000);
		assertThat(memory.peak()).as("buffer memory after 65 MB sent to 101 clients").isLessThan(160L * MIB);
		bystander.assertServedWithin(200);
	}

	@Test
	void clientThatLetsMoreThanItsHardLimitPileUpShouldBeClosedAndTheOthersServed() throws Exception {
		start((settings) -> settings.setMaxReplyBytesPerConnection(8L * MIB));
		Socket sleeper = attacker();
		send(sleeper, wire(Packet.requestWithData(PacketType.SUBMIT_JOB, ascii("x"), "stream", "one-job")));
		RawConnection reader = connect();
		reader.send(Packet.requestWithData(PacketType.SUBMIT_JOB, ascii("x"), "stream", "one-job"));
		String handle = reader.expect(PacketType.JOB_CREATED).arg(0);
		RawConnection worker = RawConnection.worker(TestServers.HOST, this.server.port(), null, "stream");
		worker.grabBlocking(java.time.Duration.ofSeconds(5));
		CompletableFuture<Integer> received = CompletableFuture.supplyAsync(() -> readStream(reader, handle));
		byte[] chunk = new byte[CHUNK];
		for (int i = 0; i < 300; i++) {
			worker.send(Packet.requestWithData(PacketType.WORK_DATA, chunk, handle));
		}
		worker.sendData(PacketType.WORK_COMPLETE, "done", handle);
		assertThat(received.get(30, TimeUnit.SECONDS)).isEqualTo(300);
		assertThat(closedByServer(sleeper)).as("the client that read nothing of 19 MB is closed").isTrue();
		worker.sync();
	}

	/** Reads WORK_DATA packets of the job until WORK_COMPLETE; checks each chunk's content. */
	private static int readStream(RawConnection reader, String handle) {
		int count = 0;
		while (true) {
			Packet packet = reader.read();
			if (packet.type() == PacketType.WORK_COMPLETE) {
				return count;
			}
			assertThat(packet.type()).isEqualTo(PacketType.WORK_DATA);
			assertThat(packet.arg(0)).isEqualTo(handle);
			byte[] data = packet.data();
			assertThat(data).hasSize(CHUNK);
			assertThat(data[0]).isEqualTo(data[CHUNK - 1]);
			count++;
		}
	}

	/** Drains what the server sent until it closes the connection; {@code false} if it stays open for 10 s. */
	private static boolean closedByServer(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		byte[] sink = new byte[64 * 1024];
		try {
			while (in.read(sink) >= 0) {
				// what had reached the socket before the close
			}
			return true;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			// reset: closed as well
			return true;
		}
	}

}
