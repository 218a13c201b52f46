package dev.gearman.protocol;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every one of the 42 packet types, encoded and decoded through {@link EmbeddedChannel}s. The expected layout is
 * the table of the protocol notes (§1.3), typed in here again rather than read from {@link PacketType}, so a wrong
 * entry in either place fails a test; the expected bytes are built by hand from that table.
 */
class PacketRoundTripTests {

	/** name, code, argc, has_data: gearman-protocol.md §1.3. */
	private static final String LAYOUT = """
			CAN_DO 1 1 no
			CANT_DO 2 1 no
			RESET_ABILITIES 3 0 no
			PRE_SLEEP 4 0 no
			UNUSED 5 0 no
			NOOP 6 0 no
			SUBMIT_JOB 7 2 yes
			JOB_CREATED 8 1 no
			GRAB_JOB 9 0 no
			NO_JOB 10 0 no
			JOB_ASSIGN 11 2 yes
			WORK_STATUS 12 3 no
			WORK_COMPLETE 13 1 yes
			WORK_FAIL 14 1 no
			GET_STATUS 15 1 no
			ECHO_REQ 16 0 yes
			ECHO_RES 17 0 yes
			SUBMIT_JOB_BG 18 2 yes
			ERROR 19 2 no
			STATUS_RES 20 5 no
			SUBMIT_JOB_HIGH 21 2 yes
			SET_CLIENT_ID 22 1 no
			CAN_DO_TIMEOUT 23 2 no
			ALL_YOURS 24 0 no
			WORK_EXCEPTION 25 1 yes
			OPTION_REQ 26 1 no
			OPTION_RES 27 1 no
			WORK_DATA 28 1 yes
			WORK_WARNING 29 1 yes
			GRAB_JOB_UNIQ 30 0 no
			JOB_ASSIGN_UNIQ 31 3 yes
			SUBMIT_JOB_HIGH_BG 32 2 yes
			SUBMIT_JOB_LOW 33 2 yes
			SUBMIT_JOB_LOW_BG 34 2 yes
			SUBMIT_JOB_SCHED 35 7 yes
			SUBMIT_JOB_EPOCH 36 3 yes
			SUBMIT_REDUCE_JOB 37 4 yes
			SUBMIT_REDUCE_JOB_BACKGROUND 38 4 yes
			GRAB_JOB_ALL 39 0 no
			JOB_ASSIGN_ALL 40 4 yes
			GET_STATUS_UNIQUE 41 1 no
			STATUS_RES_UNIQUE 42 6 no
			""";

	static Stream<Arguments> layout() {
		return LAYOUT.lines().map((line) -> line.split(" ")).map((f) -> Arguments.of(f[0],
				Integer.parseInt(f[1]), Integer.parseInt(f[2]), "yes".equals(f[3])));
	}

	@Test
	void layoutShouldCoverAllFortyTwoTypes() {
		List<String> names = layout().map((arguments) -> (String) arguments.get()[0]).toList();
		assertThat(names).hasSize(42)
			.containsExactlyElementsOf(Arrays.stream(PacketType.values()).map(Enum::name).toList());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("layout")
	void typeShouldHaveTheCodeAndLayoutOfTheNotes(String name, int code, int argc, boolean hasData) {
		PacketType type = PacketType.valueOf(name);
		assertThat(type.code()).isEqualTo(code);
		assertThat(type.argc()).isEqualTo(argc);
		assertThat(type.hasData()).isEqualTo(hasData);
		assertThat(PacketType.fromCode(code)).isSameAs(type);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("layout")
	void packetShouldRoundTripWholeAndByteByByte(String name, int code, int argc, boolean hasData) {
		String[] args = sampleArgs(argc, hasData);
		byte[] data = hasData ? new byte[] { 0, 'x', 0, (byte) 0xff, 0 } : new byte[0];
		for (Magic magic : Magic.values()) {
			Packet packet = Packet.of(magic, PacketType.valueOf(name), args, data);
			assertRoundTrip(packet, expectedWire(magic, code, args, hasData, data));
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("layout")
	void packetWithOnlyEmptyArgumentsShouldRoundTrip(String name, int code, int argc, boolean hasData) {
		String[] args = new String[argc];
		Arrays.fill(args, "");
		Packet packet = Packet.of(Magic.REQ, PacketType.valueOf(name), args, new byte[0]);
		byte[] wire = expectedWire(Magic.REQ, code, args, hasData, new byte[0]);
		int separators = hasData ? argc : Math.max(0, argc - 1);
		assertThat(wire).hasSize(12 + separators);
		assertRoundTrip(packet, wire);
	}

	@Test
	void submitJobShouldBeEncodedAsInTheProtocolExample() {
		Packet submit = Packet.requestWithData(PacketType.SUBMIT_JOB, Wire.ascii("test"), "reverse", "");
		assertThat(Wire.encode(submit)).isEqualTo(Wire.concat(Wire.header(Wire.REQ, 7, 0x0d),
				Wire.ascii("reverse\0\0test")));
		Packet created = Packet.response(PacketType.JOB_CREATED, "H:lap:1");
		assertThat(Wire.encode(created)).isEqualTo(Wire.concat(Wire.header(Wire.RES, 8, 7), Wire.ascii("H:lap:1")));
	}

	private static void assertRoundTrip(Packet packet, byte[] expectedWire) {
		assertThat(Wire.encode(packet)).as("encoded %s", packet).isEqualTo(expectedWire);
		assertThat(packet.payloadSize()).isEqualTo(expectedWire.length - 12);
		EmbeddedChannel whole = Wire.serverDecoder(GearmanConstants.DEFAULT_MAX_PACKET_SIZE);
		assertThat(Wire.feed(whole, expectedWire)).as("decoded in one buffer").containsExactly(packet);
		assertThat(Wire.buffered(whole)).isZero();
		EmbeddedChannel trickle = Wire.serverDecoder(GearmanConstants.DEFAULT_MAX_PACKET_SIZE);
		assertThat(Wire.feedByteByByte(trickle, expectedWire)).as("decoded byte by byte").containsExactly(packet);
		assertThat(Wire.buffered(trickle)).isZero();
		assertThat(whole.finish()).isFalse();
		assertThat(trickle.finish()).isFalse();
	}

	/**
	 * Arguments with non-ASCII bytes and an empty one where there are two or more; a last argument that is not
	 * NUL-terminated on the wire contains NUL bytes, which it may.
	 */
	private static String[] sampleArgs(int argc, boolean hasData) {
		String[] args = new String[argc];
		for (int i = 0; i < argc; i++) {
			args[i] = (i == 1) ? "" : Packet.utf8("arg" + i + "-é");
		}
		if (argc > 0 && !hasData) {
			args[argc - 1] = "last\0with\0nul";
		}
		return args;
	}

	private static byte[] expectedWire(Magic magic, int code, String[] args, boolean hasData, byte[] data) {
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		for (int i = 0; i < args.length; i++) {
			payload.writeBytes(Wire.ascii(args[i]));
			if (hasData || i < args.length - 1) {
				payload.write(0);
			}
		}
		payload.writeBytes(data);
		return Wire.packet((magic == Magic.REQ) ? Wire.REQ : Wire.RES, code, payload.toByteArray());
	}

}
