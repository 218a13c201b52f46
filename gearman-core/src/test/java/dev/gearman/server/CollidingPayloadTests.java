package dev.gearman.server;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Foreground jobs that coalesce on their payload (unique {@code "-"}) with payloads crafted to share a 31-based hash:
 * they cost about what as many random payloads cost. (Before: 16,384 of them took 36 times as long, the engine
 * stalling for most of a second, since the payload keys of a hash table all fell into one bucket.)
 */
class CollidingPayloadTests extends HostilePeerTestSupport {

	private static final int JOBS = 16_384;

	@Test
	void payloadsCraftedToCollideShouldCostAboutWhatRandomPayloadsCost() throws Exception {
		start((settings) -> {
		});
		// the best of three runs each, so that a busy machine's pauses do not decide
		long random = Long.MAX_VALUE;
		long colliding = Long.MAX_VALUE;
		for (int run = 0; run < 3; run++) {
			random = Math.min(random, submitAll(randomPayloads(run)));
			colliding = Math.min(colliding, submitAll(collidingPayloads()));
		}
		assertThat((double) colliding / random)
			.as("colliding (%d ms) over random payloads (%d ms)", colliding / 1_000_000, random / 1_000_000)
			.isLessThan(4);
	}

	/** Submits every payload as a foreground job on a new connection and waits for all JOB_CREATED; nanoseconds. */
	private long submitAll(byte[][] payloads) throws Exception {
		ByteArrayOutputStream batch = new ByteArrayOutputStream();
		for (byte[] payload : payloads) {
			batch.write(wire(Packet.requestWithData(PacketType.SUBMIT_JOB, payload, "coalesce", "-")));
		}
		try (Socket client = plainSocket()) {
			long start = System.nanoTime();
			send(client, batch.toByteArray());
			InputStream in = new java.io.BufferedInputStream(client.getInputStream(), 64 * 1024);
			byte[] header = new byte[12];
			for (int i = 0; i < payloads.length; i++) {
				assertThat(in.readNBytes(header, 0, 12)).isEqualTo(12);
				assertThat(java.nio.ByteBuffer.wrap(header, 4, 4).getInt()).isEqualTo(PacketType.JOB_CREATED.code());
				in.skipNBytes(java.nio.ByteBuffer.wrap(header, 8, 4).getInt());
			}
			return System.nanoTime() - start;
		}
	}

	/** 2^14 distinct payloads of 14 two-byte blocks, each "Aa" or "BB": the same String and Arrays hash. */
	private static byte[][] collidingPayloads() {
		byte[][] payloads = new byte[JOBS][];
		for (int i = 0; i < JOBS; i++) {
			StringBuilder text = new StringBuilder();
			for (int bit = 0; bit < 14; bit++) {
				text.append(((i >> bit) & 1) == 0 ? "Aa" : "BB");
			}
			payloads[i] = text.toString().getBytes(StandardCharsets.US_ASCII);
		}
		assertThat(java.util.Arrays.hashCode(payloads[0])).isEqualTo(java.util.Arrays.hashCode(payloads[JOBS - 1]));
		return payloads;
	}

	private static byte[][] randomPayloads(long seed) {
		Random random = new Random(seed);
		byte[][] payloads = new byte[JOBS][];
		for (int i = 0; i < JOBS; i++) {
			payloads[i] = new byte[28];
			random.nextBytes(payloads[i]);
		}
		return payloads;
	}

}
