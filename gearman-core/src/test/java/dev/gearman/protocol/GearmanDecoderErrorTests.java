package dev.gearman.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.gearman.protocol.Wire.ascii;
import static dev.gearman.protocol.Wire.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Input the decoder must refuse: oversized, bad magic, unknown type, malformed arguments. Each failure is raised
 * from the bytes at hand, leaves nothing buffered and makes the decoder drop everything after it.
 */
class GearmanDecoderErrorTests {

	private static final byte[] ECHO = Wire.encode(Packet.requestWithData(PacketType.ECHO_REQ, ascii("after")));

	@Test
	void headerAnnouncingMoreThanTheMaximumShouldBeRefusedBeforeThePayloadArrives() {
		EmbeddedChannel channel = Wire.serverDecoder(1024);
		byte[] start = concat(Wire.header(Wire.REQ, PacketType.ECHO_REQ.code(), 1025), ascii("abc"));
		assertThatExceptionOfType(PacketTooLargeException.class).isThrownBy(() -> feed(channel, start))
			.satisfies((ex) -> {
				assertThat(ex.size()).isEqualTo(1025);
				assertThat(ex.maxSize()).isEqualTo(1024);
			});
		assertThat(Wire.buffered(channel)).as("bytes held after the refusal").isZero();
		byte[] restOfPayload = new byte[64 * 1024];
		assertThat(Wire.feed(channel, restOfPayload)).isEmpty();
		assertThat(Wire.buffered(channel)).as("bytes held while the payload keeps coming").isZero();
		assertThat(Wire.feed(channel, ECHO)).as("packets after the refused one").isEmpty();
	}

	@Test
	void packetOfExactlyTheMaximumShouldBeAccepted() {
		EmbeddedChannel channel = Wire.serverDecoder(16);
		Packet packet = Packet.requestWithData(PacketType.ECHO_REQ, new byte[16]);
		assertThat(Wire.feed(channel, Wire.encode(packet))).containsExactly(packet);
	}

	@Test
	void maximumOfZeroShouldStillAcceptEmptyPackets() {
		EmbeddedChannel channel = Wire.serverDecoder(0);
		assertThat(Wire.feed(channel, Wire.encode(Packet.request(PacketType.GRAB_JOB)))).hasSize(1);
		assertThatExceptionOfType(PacketTooLargeException.class)
			.isThrownBy(() -> feed(channel, Wire.header(Wire.REQ, PacketType.CAN_DO.code(), 1)));
	}

	@ParameterizedTest
	@ValueSource(longs = { 0x8000_0000L, 0xFFFF_FFFFL })
	void sizeFieldShouldBeReadAsUnsigned(long size) {
		EmbeddedChannel channel = Wire.serverDecoder(1024 * 1024);
		assertThatExceptionOfType(PacketTooLargeException.class)
			.isThrownBy(() -> feed(channel, Wire.header(Wire.REQ, PacketType.ECHO_REQ.code(), size)))
			.satisfies((ex) -> assertThat(ex.size()).isEqualTo(size));
	}

	@Test
	void maximumShouldBeConfigurableUpToFourGibibytesMinusOne() {
		EmbeddedChannel channel = Wire.serverDecoder(GearmanConstants.MAX_WIRE_PACKET_SIZE);
		assertThat(Wire.feed(channel, ECHO)).hasSize(1);
		// a JVM array holds less than 2 GiB, so a larger packet is still refused from its header alone
		assertThatExceptionOfType(PacketTooLargeException.class)
			.isThrownBy(() -> feed(channel, Wire.header(Wire.REQ, PacketType.ECHO_REQ.code(), 0xFFFF_FFFFL)))
			.satisfies((ex) -> assertThat(ex.maxSize()).isEqualTo(GearmanConstants.MAX_HEAP_PACKET_SIZE));
		assertThat(Wire.buffered(channel)).isZero();
	}

	@ParameterizedTest
	@ValueSource(longs = { -1, 0x1_0000_0000L })
	void maximumOutsideTheSizeFieldShouldBeRejected(long maxPacketSize) {
		assertThatIllegalArgumentException().isThrownBy(() -> new GearmanDecoder(maxPacketSize, true))
			.withMessageContaining("maxPacketSize");
	}

	@Test
	void badMagicShouldBeRefusedAndEverythingAfterItDropped() {
		EmbeddedChannel channel = Wire.serverDecoder(1024);
		byte[] bad = concat(Wire.header(0x0058595a, PacketType.ECHO_REQ.code(), 0), ECHO);
		assertThatExceptionOfType(GearmanCodecException.class).isThrownBy(() -> feed(channel, bad))
			.withMessageContaining("magic");
		assertThat(Wire.buffered(channel)).isZero();
		assertThat(Wire.feed(channel, ECHO)).isEmpty();
	}

	@Test
	void packetsBeforeAMalformedOneShouldStillBeDelivered() {
		EmbeddedChannel channel = Wire.serverDecoder(1024);
		byte[] stream = concat(ECHO, ascii("status\n"), Wire.header(0x00524500, 16, 0));
		assertThatExceptionOfType(GearmanCodecException.class).isThrownBy(() -> feed(channel, stream));
		assertThat(Wire.inbound(channel)).hasSize(2);
	}

	@Test
	void responseMagicShouldBeDecodedForTheEngineToAnswer() {
		EmbeddedChannel channel = Wire.serverDecoder(1024);
		assertThat(Wire.feed(channel, Wire.header(Wire.RES, PacketType.NOOP.code(), 0)))
			.containsExactly(Packet.response(PacketType.NOOP));
	}

	@Test
	void textOnAClientConnectionShouldBeRefused() {
		EmbeddedChannel channel = new EmbeddedChannel(new GearmanDecoder(1024, false));
		assertThatExceptionOfType(GearmanCodecException.class).isThrownBy(() -> feed(channel, ascii("status\n")))
			.withMessageContaining("0x73");
	}

	@ParameterizedTest
	@ValueSource(longs = { 0, 43, 999, 0xFFFF_FFFFL })
	void unknownTypeShouldBeRefused(long type) {
		EmbeddedChannel channel = Wire.serverDecoder(1024);
		assertThatExceptionOfType(GearmanCodecException.class)
			.isThrownBy(() -> feed(channel, Wire.header(Wire.REQ, type, 0)))
			.withMessageContaining("type: " + type);
		assertThat(Wire.feed(channel, ECHO)).isEmpty();
	}

	@Test
	void tooFewArgumentsShouldBeRefused() {
		assertMalformed(PacketType.WORK_STATUS, "H:x:1\0" + "50", "argument 2 of 3");
		assertMalformed(PacketType.SUBMIT_JOB, "reverse\0unique-without-nul", "argument 2 of 2");
		assertMalformed(PacketType.JOB_ASSIGN_ALL, "H:x:1\0f\0u\0", "argument 4 of 4");
		assertMalformed(PacketType.ERROR, "CODE-ONLY", "argument 1 of 2");
		assertMalformed(PacketType.WORK_COMPLETE, "H:x:1", "argument 1 of 1");
	}

	@Test
	void payloadOnATypeWithoutArgumentsShouldBeRefused() {
		assertMalformed(PacketType.GRAB_JOB, "abc", "expected: 0");
		assertMalformed(PacketType.PRE_SLEEP, "\0", "expected: 0");
	}

	@Test
	void argumentSearchShouldStopAtTheDeclaredSize() {
		// the NULs the SUBMIT_JOB lacks are in the next packet: they must not be borrowed from it
		EmbeddedChannel channel = Wire.serverDecoder(1024);
		byte[] submit = Wire.packet(Wire.REQ, PacketType.SUBMIT_JOB.code(), ascii("fn"));
		byte[] next = Wire.encode(Packet.requestWithData(PacketType.ECHO_REQ, ascii("\0\0\0")));
		assertThatExceptionOfType(GearmanCodecException.class).isThrownBy(() -> feed(channel, concat(submit, next)))
			.withMessageContaining("2-byte payload");
		assertThat(Wire.inbound(channel)).isEmpty();
	}

	private static void assertMalformed(PacketType type, String payload, String message) {
		EmbeddedChannel channel = Wire.serverDecoder(1024);
		byte[] packet = Wire.packet(Wire.REQ, type.code(), ascii(payload));
		assertThatExceptionOfType(GearmanCodecException.class).as("%s '%s'", type, payload)
			.isThrownBy(() -> feed(channel, concat(packet, ECHO)))
			.withMessageContaining(type.name())
			.withMessageContaining(message);
		assertThat(Wire.buffered(channel)).as("bytes held after a malformed %s", type).isZero();
		assertThat(Wire.inbound(channel)).isEmpty();
	}

	private static void feed(EmbeddedChannel channel, byte[] bytes) {
		channel.writeInbound(Unpooled.wrappedBuffer(bytes));
	}

}
