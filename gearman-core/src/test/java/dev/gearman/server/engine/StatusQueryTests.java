package dev.gearman.server.engine;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET_STATUS, GET_STATUS_UNIQUE, ECHO_REQ and SET_CLIENT_ID (protocol notes §3.12, §3.14).
 */
class StatusQueryTests extends EngineTestSupport {

	@Test
	void getStatusOfAnUnknownHandleShouldEchoItWithZeros() {
		TestPeer client = peer();
		client.send(PacketType.GET_STATUS, "H:elsewhere:7");
		client.expect(PacketType.STATUS_RES, "H:elsewhere:7", "0", "0", "0", "0");
	}

	@Test
	void aNulInsideTheQueriedHandleOrUniqueShouldEndItSoTheReplyFieldsStayInPlace() {
		TestPeer client = peer();
		String handle = submitBg(client, "f", "u1", "data");
		client.send(PacketType.GET_STATUS, handle + "\0trailing");
		client.expect(PacketType.STATUS_RES, handle, "1", "0", "0", "0");
		client.send(PacketType.GET_STATUS_UNIQUE, "u1\0x\0y");
		client.expect(PacketType.STATUS_RES_UNIQUE, "u1", "1", "0", "0", "0", "0");
	}

	@Test
	void getStatusOfAQueuedJobShouldShowItKnownButNotRunning() {
		TestPeer client = peer();
		String handle = submitBg(client, "f", "", "data");
		client.send(PacketType.GET_STATUS, handle);
		client.expect(PacketType.STATUS_RES, handle, "1", "0", "0", "0");
	}

	@Test
	void getStatusUniqueShouldReportTheJobAndItsClientCount() {
		TestPeer first = peer();
		TestPeer second = peer();
		TestPeer worker = worker("f");
		String handle = submit(first, "f", "the-unique", "data");
		submit(second, "f", "the-unique", "data");
		first.send(PacketType.GET_STATUS_UNIQUE, "the-unique");
		first.expect(PacketType.STATUS_RES_UNIQUE, "the-unique", "1", "0", "0", "0", "2");
		grab(worker);
		worker.send(PacketType.WORK_STATUS, handle, "7", "9");
		first.expect(PacketType.WORK_STATUS);
		first.send(PacketType.GET_STATUS_UNIQUE, "the-unique");
		first.expect(PacketType.STATUS_RES_UNIQUE, "the-unique", "1", "1", "7", "9", "2");
	}

	@Test
	void getStatusUniqueOfABackgroundJobShouldCountNoClients() {
		TestPeer client = peer();
		submitBg(client, "f", "bg", "data");
		client.send(PacketType.GET_STATUS_UNIQUE, "bg");
		client.expect(PacketType.STATUS_RES_UNIQUE, "bg", "1", "0", "0", "0", "0");
	}

	@Test
	void getStatusUniqueOfAnUnknownUniqueShouldReturnZeros() {
		TestPeer client = peer();
		client.send(PacketType.GET_STATUS_UNIQUE, "nobody");
		client.expect(PacketType.STATUS_RES_UNIQUE, "nobody", "0", "0", "0", "0", "0");
	}

	@Test
	void getStatusUniqueShouldForgetFinishedJobs() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String handle = submitBg(client, "f", "done-soon", "data");
		grab(worker);
		complete(worker, handle, "r");
		client.send(PacketType.GET_STATUS_UNIQUE, "done-soon");
		client.expect(PacketType.STATUS_RES_UNIQUE, "done-soon", "0", "0", "0", "0", "0");
	}

	@Test
	void echoShouldReturnTheSameBytes() {
		TestPeer peer = peer();
		byte[] data = { 0, 'a', (byte) 0xFF, 0, (byte) 0x80, '\n' };
		peer.sendData(PacketType.ECHO_REQ, data);
		assertThat(peer.expect(PacketType.ECHO_RES).data()).isEqualTo(data);
		peer.sendData(PacketType.ECHO_REQ, new byte[0]);
		assertThat(peer.expect(PacketType.ECHO_RES).data()).isEmpty();
	}

	@Test
	void setClientIdShouldShowInWorkers() {
		TestPeer worker = worker("reverse", "echo");
		worker.send(PacketType.SET_CLIENT_ID, "worker-7");
		TestPeer admin = peer();
		assertThat(admin.admin("workers")).isEqualTo(worker.id() + " 127.0.0.1 worker-7 : reverse echo\n"
				+ admin.id() + " 127.0.0.1 - :\n.\n");
	}

	@Test
	void clientIdWithWhitespaceShouldStayOneToken() {
		TestPeer client = peer();
		client.send(PacketType.SET_CLIENT_ID, "my client");
		assertThat(client.admin("workers")).isEqualTo(client.id() + " 127.0.0.1 my_client :\n.\n");
	}

}
