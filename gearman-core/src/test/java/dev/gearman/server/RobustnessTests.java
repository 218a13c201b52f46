package dev.gearman.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.NonDurableJobStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Hostile and unlucky peers on raw sockets: oversized and malformed packets, a taken port and a client that
 * pipelines far more than it reads. (A worker dying mid-job, with PHP peers, is in {@code PhpInteropTests}.)
 */
class RobustnessTests {

	private static final int ONE_MIB = 1024 * 1024;

	private static GearmanServer server;

	/** A second server whose packets may be at most 1 MiB. */
	private static GearmanServer smallPackets;

	private final List<RawConnection> connections = new ArrayList<>();

	@BeforeAll
	static void startServers() {
		server = TestServers.start((settings) -> {
		});
		smallPackets = TestServers.start((settings) -> settings.setMaxPacketSize(ONE_MIB));
	}

	@AfterAll
	static void stopServers() {
		if (server != null) {
			server.stop();
		}
		if (smallPackets != null) {
			smallPackets.stop();
		}
	}

	@AfterEach
	void closeConnections() {
		this.connections.forEach(RawConnection::close);
	}

	@Test
	void headerAnnouncingTwoGibibytesShouldGetAnErrorAndThenEndOfStream() {
		RawConnection bystander = connect(smallPackets);
		bystander.sync();
		RawConnection offender = connect(smallPackets);
		offender.sendRaw(header(0x00524551, PacketType.ECHO_REQ.code(), 0x8000_0000));
		Packet error = offender.expect(PacketType.ERROR);
		assertThat(error.arg(0)).isEqualTo("ARGUMENT_TOO_LARGE");
		assertThat(error.arg(1)).contains(String.valueOf(0x8000_0000L)).contains(String.valueOf(ONE_MIB));
		assertThat(offender.readToEof(Duration.ofSeconds(5))).as("bytes after the ERROR packet").isEmpty();
		assertEchoes(bystander, "still served");
		assertEchoes(connect(smallPackets), "new connections too");
	}

	@Test
	void packetAtTheLimitShouldStillBeAccepted() {
		RawConnection client = connect(smallPackets);
		byte[] data = new byte[ONE_MIB];
		Arrays.fill(data, (byte) 'x');
		client.send(Packet.requestWithData(PacketType.ECHO_REQ, data));
		assertThat(client.expect(PacketType.ECHO_RES).data()).isEqualTo(data);
	}

	@Test
	void badMagicShouldCloseTheConnection() {
		RawConnection offender = connect(server);
		byte[] packet = header(0x0058595a, PacketType.ECHO_REQ.code(), 0);
		assertThat(new String(packet, 0, 4, StandardCharsets.ISO_8859_1)).isEqualTo("\0XYZ");
		offender.sendRaw(packet);
		assertThat(offender.readToEof(Duration.ofSeconds(5))).as("reply before close").isEmpty();
		assertEchoes(connect(server), "server still serving");
	}

	@Test
	void unknownPacketTypeShouldCloseTheConnection() {
		RawConnection offender = connect(server);
		offender.sendRaw(header(0x00524551, 999, 0));
		assertThat(offender.readToEof(Duration.ofSeconds(5))).as("reply before close").isEmpty();
		assertEchoes(connect(server), "server still serving");
	}

	@Test
	void secondServerOnTheSamePortShouldFailNamingAddressAndPort() {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress(TestServers.HOST);
		settings.setPort(server.port());
		GearmanServer second = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
		try {
			assertThatExceptionOfType(GearmanServerException.class).isThrownBy(second::start)
				.withMessageContaining(TestServers.HOST + ":" + server.port());
			assertThat(second.isRunning()).isFalse();
		}
		finally {
			second.stop();
		}
		assertEchoes(connect(server), "first server still serving");
	}

	@Test
	void pipelinedEchoRequestsShouldAllComeBackInOrder() throws Exception {
		pipelineEchoes(5000);
	}

	/**
	 * 5000 echoes of 1 KiB fit in loopback's socket buffers, so the test above may never make the server pause; 50
	 * MB do not. The client's writes must stall (the server stops reading while its replies pile up) and every reply
	 * must still arrive, in order, once the client reads.
	 */
	@Test
	void clientThatStopsReadingShouldPauseTheServerWithoutLosingReplies() throws Exception {
		int count = 50_000;
		long writtenBeforeReading = pipelineEchoes(count);
		assertThat(writtenBeforeReading).as("ECHO_REQs written before the client read anything").isLessThan(count);
	}

	/**
	 * Writes {@code count} 1 KiB ECHO_REQs from another thread without reading until the writer is done or has
	 * stalled, then reads and checks every ECHO_RES.
	 * @return how many requests had been written when reading began
	 */
	private long pipelineEchoes(int count) throws Exception {
		RawConnection client = connect(server);
		AtomicLong written = new AtomicLong();
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < count; i++) {
				client.send(Packet.requestWithData(PacketType.ECHO_REQ, echoPayload(i)));
				written.incrementAndGet();
			}
		});
		long lastProgress = -1;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!writer.isDone() && System.nanoTime() < deadline) {
			Thread.sleep(300);
			long now = written.get();
			if (now == lastProgress) {
				break;
			}
			lastProgress = now;
		}
		long writtenBeforeReading = written.get();
		for (int i = 0; i < count; i++) {
			Packet echo = client.expect(PacketType.ECHO_RES);
			if (!Arrays.equals(echo.data(), echoPayload(i))) {
				assertThat(echo.data()).as("ECHO_RES #%d", i).isEqualTo(echoPayload(i));
			}
		}
		writer.get(10, TimeUnit.SECONDS);
		assertEchoes(client, "after the pipeline");
		return writtenBeforeReading;
	}

	/** A connection to the server, closed after the test. */
	private RawConnection connect(GearmanServer target) {
		RawConnection connection = RawConnection.open(TestServers.HOST, target.port());
		this.connections.add(connection);
		return connection;
	}

	private static byte[] echoPayload(int sequence) {
		ByteBuffer payload = ByteBuffer.allocate(1024);
		while (payload.hasRemaining()) {
			payload.putInt(sequence);
		}
		return payload.array();
	}

	private static byte[] header(int magic, int type, int size) {
		return ByteBuffer.allocate(12).putInt(magic).putInt(type).putInt(size).array();
	}

	private static void assertEchoes(RawConnection connection, String text) {
		byte[] data = text.getBytes(StandardCharsets.UTF_8);
		connection.send(Packet.requestWithData(PacketType.ECHO_REQ, data));
		assertThat(connection.expect(PacketType.ECHO_RES).data()).as("echo '%s'", text).isEqualTo(data);
	}

}
