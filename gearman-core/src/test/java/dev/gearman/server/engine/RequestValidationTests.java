package dev.gearman.server.engine;

import java.util.Arrays;

import dev.gearman.protocol.Magic;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests the engine refuses with an ERROR packet, without closing the connection (protocol notes §3.10).
 */
class RequestValidationTests extends EngineTestSupport {

	@ParameterizedTest
	@EnumSource(names = { "SUBMIT_JOB_SCHED", "ALL_YOURS", "UNUSED", "NOOP", "JOB_CREATED", "NO_JOB", "JOB_ASSIGN",
			"ECHO_RES", "ERROR", "STATUS_RES", "OPTION_RES", "JOB_ASSIGN_UNIQ", "JOB_ASSIGN_ALL", "STATUS_RES_UNIQUE" })
	void unexpectedCommandShouldBeRejectedAsInvalidCommand(PacketType type) {
		TestPeer peer = peer();
		String[] args = new String[type.argc()];
		Arrays.fill(args, "1");
		peer.sendPacket(Packet.of(Magic.REQ, type, args, new byte[0]));
		assertThat(peer.expectError("INVALID_COMMAND")).isEqualTo("Command not expected");
		peer.expectNoMessage();
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void packetWithResponseMagicShouldBeRejectedAsInvalidMagic() {
		TestPeer peer = peer();
		peer.sendPacket(Packet.of(Magic.RES, PacketType.SUBMIT_JOB, new String[] { "f", "" }, TestPeer.bytes("x")));
		assertThat(peer.expectError("INVALID_MAGIC")).isEqualTo("Request magic expected");
		peer.sendPacket(Packet.of(Magic.RES, PacketType.ECHO_REQ, new String[0], TestPeer.bytes("x")));
		assertThat(peer.expectError("INVALID_MAGIC")).isEqualTo("Request magic expected");
		peer.expectNoMessage();
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void uniqueLongerThan64BytesShouldBeRejected() {
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "u".repeat(65));
		assertThat(client.expectError("ARGUMENT_TOO_LARGE")).isEqualTo("Unique value too large");
		client.sendData(PacketType.SUBMIT_JOB, "data", "f", "u".repeat(65));
		client.expectError("ARGUMENT_TOO_LARGE");
		assertThat(showJobs()).isEqualTo(".\n");
		assertThat(submitBg(client, "f", "", "x")).isEqualTo(handle(1));
	}

	@Test
	void uniqueLengthShouldBeCountedInBytes() {
		TestPeer client = peer();
		// 33 two-byte characters: 66 bytes
		client.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", Packet.utf8("é".repeat(33)));
		client.expectError("ARGUMENT_TOO_LARGE");
		assertThat(submitBg(client, "f", Packet.utf8("é".repeat(32)), "data")).isEqualTo(handle(1));
	}

	@Test
	void uniqueOfExactly64BytesShouldBeAcceptedAndCoalesce() {
		TestPeer client = peer();
		TestPeer other = peer();
		String unique = "x".repeat(64);
		String handle = submitBg(client, "f", unique, "data");
		assertThat(submit(other, "f", unique, "data")).isEqualTo(handle);
		assertThat(admin("show unique jobs")).isEqualTo(unique + "\n.\n");
	}

	@Test
	void reducerLongerThan64BytesShouldBeRejected() {
		TestPeer client = peer();
		client.sendData(PacketType.SUBMIT_REDUCE_JOB, "data", "f", "u", "r".repeat(65), "");
		client.expectError("ARGUMENT_TOO_LARGE");
		assertThat(showJobs()).isEqualTo(".\n");
	}

	@Test
	void connectionShouldKeepWorkingAfterAnError() {
		TestPeer peer = peer();
		peer.send(PacketType.ALL_YOURS);
		peer.expectError("INVALID_COMMAND");
		peer.send(PacketType.CAN_DO, "f");
		String handle = submitBg(peer, "f", "", "data");
		assertAssigned(grab(peer), handle, "f", "data");
	}

}
