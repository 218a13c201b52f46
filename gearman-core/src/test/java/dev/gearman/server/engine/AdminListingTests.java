package dev.gearman.server.engine;

import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin listings, byte for byte: {@code status}, {@code prioritystatus}, {@code workers} and {@code show}
 * (protocol notes §4).
 */
class AdminListingTests extends EngineTestSupport {

	@Test
	void statusWithoutFunctionsShouldBeJustTheTerminator() {
		assertThat(status()).isEqualTo(".\n");
	}

	@Test
	void statusShouldListEveryFunctionWithTotalRunningAndWorkers() {
		TestPeer client = peer();
		TestPeer first = worker("b", "a");
		worker("b");
		submitBg(client, "b", "", "1");
		submitBg(client, "b", "", "2");
		submit(client, "b", "", "3");
		grab(first);
		assertThat(status()).isEqualTo("a\t0\t0\t1\nb\t3\t1\t2\n.\n");
	}

	@Test
	void adminCommandWordsShouldBeCaseInsensitive() {
		worker("f");
		assertThat(admin("STATUS")).isEqualTo("f\t0\t0\t1\n.\n");
		assertThat(admin("Show Jobs")).isEqualTo(".\n");
	}

	@Test
	void prioritystatusShouldCountWaitingJobsPerPriority() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "h");
		submit(client, PacketType.SUBMIT_JOB_HIGH_BG, "f", "", "running");
		submit(client, PacketType.SUBMIT_JOB_BG, "f", "", "n1");
		submit(client, PacketType.SUBMIT_JOB, "f", "", "n2");
		submit(client, PacketType.SUBMIT_JOB_LOW, "f", "", "l");
		submitBg(client, "g", "", "other");
		grab(worker);
		assertThat(admin("prioritystatus")).isEqualTo("f\t1\t2\t1\t1\ng\t0\t1\t0\t0\n.\n");
	}

	@Test
	void workersShouldListEveryConnectionWithItsFunctions() {
		TestPeer worker = worker("reverse", "echo");
		TestPeer client = peer();
		TestPeer admin = peer();
		client.send(PacketType.SET_CLIENT_ID, "client-1");
		assertThat(admin.admin("workers")).isEqualTo(worker.id() + " 127.0.0.1 - : reverse echo\n" + client.id()
				+ " 127.0.0.1 client-1 :\n" + admin.id() + " 127.0.0.1 - :\n.\n");
	}

	@Test
	void workersShouldNotListClosedConnections() {
		TestPeer gone = worker("f");
		TestPeer admin = peer();
		gone.disconnect();
		assertThat(admin.admin("workers")).isEqualTo(admin.id() + " 127.0.0.1 - :\n.\n");
	}

	@Test
	void showJobsShouldListHandleRetriesIgnoreAndPersisted() {
		TestPeer client = peer();
		String handle = submit(client, "f", "", "data");
		assertThat(showJobs()).isEqualTo(handle + "\t0\t0\t0\n.\n");
	}

	@Test
	void showJobsShouldListQueuedAndRunningJobs() {
		TestPeer client = peer();
		TestPeer worker = worker("f");
		String running = submitBg(client, "f", "", "1");
		String queued = submitBg(client, "f", "", "2");
		grab(worker);
		assertThat(showJobs()).endsWith("\n.\n")
			.contains(running + "\t0\t0\t0\n")
			.contains(queued + "\t0\t0\t0\n")
			.hasLineCount(3);
	}

	@Test
	void showUniqueJobsShouldListOneUniquePerJob() {
		TestPeer client = peer();
		submitBg(client, "f", "alpha", "1");
		submitBg(client, "g", "alpha", "2");
		submitBg(client, "f", "", "3");
		String reply = admin("show unique jobs");
		assertThat(reply).endsWith("\n.\n");
		assertThat(reply.substring(0, reply.length() - 3).split("\n", -1)).containsExactlyInAnyOrder("alpha",
				"alpha", "");
	}

	@Test
	void showWithUnknownArgumentsShouldBeAnError() {
		assertThat(admin("show bogus")).isEqualTo("ERR UNKNOWN_SHOW_ARGUMENTS\r\n");
		assertThat(admin("show")).isEqualTo("ERR UNKNOWN_SHOW_ARGUMENTS\r\n");
	}

	@Test
	void adminAndBinaryCommandsShouldShareAConnection() {
		TestPeer peer = worker("f");
		String handle = submitBg(peer, "f", "", "data");
		assertThat(peer.admin("status")).isEqualTo("f\t1\t0\t1\n.\n");
		assertAssigned(grab(peer), handle, "f", "data");
	}

}
