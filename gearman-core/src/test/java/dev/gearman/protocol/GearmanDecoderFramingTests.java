package dev.gearman.protocol;

import java.util.Arrays;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static dev.gearman.protocol.Wire.ascii;
import static dev.gearman.protocol.Wire.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How the decoder splits a byte stream: several packets in one buffer, packets split over many buffers, and the
 * admin text protocol interleaved with binary packets on the same connection.
 */
class GearmanDecoderFramingTests {

	private final EmbeddedChannel channel = Wire.serverDecoder(GearmanConstants.DEFAULT_MAX_PACKET_SIZE);

	private static final Packet CAN_DO = Packet.request(PacketType.CAN_DO, "reverse");

	private static final Packet GRAB_JOB = Packet.request(PacketType.GRAB_JOB);

	private static final Packet ECHO = Packet.requestWithData(PacketType.ECHO_REQ, ascii("ping\0pong\n"));

	@Test
	void twoPacketsInOneBufferShouldBothBeDecoded() {
		byte[] stream = concat(Wire.encode(CAN_DO), Wire.encode(GRAB_JOB));
		assertThat(Wire.feed(this.channel, stream)).containsExactly(CAN_DO, GRAB_JOB);
		assertThat(Wire.buffered(this.channel)).isZero();
	}

	@Test
	void emptyPacketsBackToBackShouldEachBeDecoded() {
		byte[] noop = Wire.header(Wire.REQ, PacketType.PRE_SLEEP.code(), 0);
		assertThat(Wire.feed(this.channel, concat(noop, noop, noop))).hasSize(3)
			.allSatisfy((message) -> assertThat(message).isEqualTo(Packet.request(PacketType.PRE_SLEEP)));
	}

	@Test
	void packetAndAdminLineInOneBufferShouldBothBeDecoded() {
		byte[] stream = concat(Wire.encode(ECHO), ascii("status\n"));
		assertThat(Wire.feed(this.channel, stream)).containsExactly(ECHO, new AdminRequest("status"));
	}

	@Test
	void textAndBinaryShouldInterleaveOnOneConnection() {
		List<Object> expected = List.of(new AdminRequest("workers"), CAN_DO, new AdminRequest("status"), ECHO,
				GRAB_JOB, new AdminRequest("version"));
		assertThat(Wire.feed(this.channel, interleaved())).containsExactlyElementsOf(expected);
		EmbeddedChannel trickle = Wire.serverDecoder(GearmanConstants.DEFAULT_MAX_PACKET_SIZE);
		assertThat(Wire.feedByteByByte(trickle, interleaved())).containsExactlyElementsOf(expected);
		assertThat(Wire.buffered(trickle)).isZero();
	}

	@Test
	void streamSplitAtEveryPossiblePointShouldDecodeTheSame() {
		byte[] stream = interleaved();
		for (int split = 1; split < stream.length; split++) {
			EmbeddedChannel split2 = Wire.serverDecoder(GearmanConstants.DEFAULT_MAX_PACKET_SIZE);
			split2.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, 0, split)));
			split2.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, split, stream.length)));
			assertThat(Wire.inbound(split2)).as("split at %d", split).hasSize(6);
		}
	}

	@Test
	void partialHeaderShouldWaitForTheRest() {
		byte[] packet = Wire.encode(CAN_DO);
		assertThat(Wire.feed(this.channel, Arrays.copyOfRange(packet, 0, 11))).isEmpty();
		assertThat(Wire.buffered(this.channel)).isEqualTo(11);
		assertThat(Wire.feed(this.channel, Arrays.copyOfRange(packet, 11, packet.length))).containsExactly(CAN_DO);
	}

	@Test
	void partialPacketOrLineAtCloseShouldBeDroppedQuietly() {
		byte[] packet = Wire.encode(ECHO);
		assertThat(Wire.feed(this.channel, Arrays.copyOfRange(packet, 0, packet.length - 1))).isEmpty();
		assertThat(this.channel.finish()).as("messages decoded at close").isFalse();
		EmbeddedChannel line = Wire.serverDecoder(GearmanConstants.DEFAULT_MAX_PACKET_SIZE);
		assertThat(Wire.feed(line, ascii("status"))).isEmpty();
		assertThat(line.finish()).as("a line without its newline is not a command").isFalse();
	}

	@Test
	void largePacketInManyChunksShouldBeDecodedOnce() {
		byte[] data = new byte[1024 * 1024];
		Arrays.fill(data, (byte) 7);
		byte[] wire = Wire.encode(Packet.requestWithData(PacketType.WORK_COMPLETE, data, "H:x:1"));
		for (int offset = 0; offset < wire.length; offset += 4000) {
			List<Object> decoded = Wire.feed(this.channel,
					Arrays.copyOfRange(wire, offset, Math.min(wire.length, offset + 4000)));
			if (offset + 4000 < wire.length) {
				assertThat(decoded).isEmpty();
			}
			else {
				assertThat(decoded).singleElement()
					.satisfies((packet) -> assertThat(((Packet) packet).data()).isEqualTo(data));
			}
		}
	}

	@Test
	void adminLinesShouldEndWithNewlineOrCarriageReturnNewline() {
		byte[] stream = ascii("status\nworkers\r\nshow jobs\r\n\nmaxqueue f 1\r\n\r\n");
		assertThat(Wire.feed(this.channel, stream)).containsExactly(new AdminRequest("status"),
				new AdminRequest("workers"), new AdminRequest("show jobs"), new AdminRequest(""),
				new AdminRequest("maxqueue f 1"), new AdminRequest(""));
	}

	@Test
	void carriageReturnAndNewlineInSeparateBuffersShouldEndOneLine() {
		assertThat(Wire.feed(this.channel, ascii("status\r"))).isEmpty();
		assertThat(Wire.feed(this.channel, ascii("\n"))).containsExactly(new AdminRequest("status"));
	}

	@Test
	void adminLineShouldKeepEveryByteExceptTheTerminator() {
		assertThat(Wire.feed(this.channel, ascii("cancel job H:\u00e9\r:1 \n")))
			.containsExactly(new AdminRequest("cancel job H:\u00e9\r:1 "));
	}

	@Test
	void adminLineOfTheMaximumLengthShouldBeAccepted() {
		String line = "x".repeat(GearmanConstants.MAX_ADMIN_LINE);
		assertThat(Wire.feed(this.channel, ascii(line + "\n"))).containsExactly(new AdminRequest(line));
	}

	@Test
	void adminLineWithoutNewlineShouldBeRefusedOnceItExceedsTheMaximum() {
		byte[] line = ascii("x".repeat(GearmanConstants.MAX_ADMIN_LINE));
		assertThat(Wire.feed(this.channel, line)).isEmpty();
		assertThat(Wire.buffered(this.channel)).isEqualTo(GearmanConstants.MAX_ADMIN_LINE);
		assertThatExceptionOfType(GearmanCodecException.class)
			.isThrownBy(() -> this.channel.writeInbound(Unpooled.wrappedBuffer(ascii("x\n"))))
			.withMessageContaining("admin line");
		assertThat(Wire.buffered(this.channel)).isZero();
		assertThat(Wire.feed(this.channel, ascii("status\n"))).as("input after the failure").isEmpty();
	}

	@Test
	void adminLineArrivingByteByByteShouldBeRefusedAtTheMaximum() {
		byte[] line = ascii("y".repeat(GearmanConstants.MAX_ADMIN_LINE));
		assertThat(Wire.feedByteByByte(this.channel, line)).isEmpty();
		assertThatExceptionOfType(GearmanCodecException.class)
			.isThrownBy(() -> this.channel.writeInbound(Unpooled.wrappedBuffer(ascii("y"))));
		assertThat(Wire.buffered(this.channel)).isZero();
	}

	private static byte[] interleaved() {
		return concat(ascii("workers\r\n"), Wire.encode(CAN_DO), ascii("status\n"), Wire.encode(ECHO),
				Wire.encode(GRAB_JOB), ascii("version\r\n"));
	}

}
