package dev.gearman.server.engine;

import dev.gearman.protocol.AdminReply;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection whose replies are not read: past its reply budget its commands wait unrun, admin lines and packets
 * alike, in order, and run once it has read; other connections are served meanwhile.
 */
class ReplyBudgetTests extends EngineTestSupport {

	@Test
	void commandsOfAPeerOverItsBudgetShouldWaitUntilItReads() {
		this.settings.setReplyBudgetPerConnection(4096);
		TestPeer worker = peer();
		for (int i = 0; i < 20; i++) {
			worker.send(PacketType.CAN_DO, String.format("%02d", i) + "f".repeat(198));
		}
		TestPeer slow = peer();
		slow.stopReading();
		// a status reply of about 4.2 KB: the first one passes the budget, the rest wait
		for (int i = 0; i < 3; i++) {
			slow.sendLine("status");
		}
		slow.sendData(PacketType.ECHO_REQ, "after the status lines");
		assertThat(((AdminReply) slow.next()).text()).endsWith("\n.\n");
		TestPeer other = peer();
		other.expectNoMessage();
		assertThat(slow.poll()).as("a reply to a held command").isNull();
		slow.readReplies();
		assertThat(((AdminReply) slow.next()).text()).as("second status").endsWith("\n.\n");
		other.expectNoMessage();
		assertThat(slow.poll()).as("held again after the second reply").isNull();
		slow.readReplies();
		assertThat(((AdminReply) slow.next()).text()).as("third status").endsWith("\n.\n");
		slow.readReplies();
		slow.expectData(PacketType.ECHO_RES, "after the status lines");
	}

	@Test
	void heldCommandsOfAPeerThatLeavesShouldBeDropped() {
		this.settings.setReplyBudgetPerConnection(1024);
		TestPeer slow = peer();
		slow.stopReading();
		slow.sendData(PacketType.ECHO_REQ, "x".repeat(2000));
		slow.sendData(PacketType.SUBMIT_JOB_BG, "never submitted", "f", "");
		slow.expect(PacketType.ECHO_RES);
		slow.disconnect();
		assertThat(status()).as("no job from a command that was held").isEqualTo(".\n");
		assertThat(census()).isEqualTo(JobCensus.EMPTY);
	}

	@Test
	void manyPeersWithRepliesUnreadShouldGetNoNewOnesPastTheServerWideLimit() {
		this.settings.setReplyBudgetPerConnection(1024 * 1024);
		this.settings.setMaxReplyBytes(4096);
		TestPeer first = peer();
		first.stopReading();
		first.sendData(PacketType.ECHO_REQ, "x".repeat(3000));
		first.expect(PacketType.ECHO_RES);
		TestPeer second = peer();
		second.stopReading();
		second.sendData(PacketType.ECHO_REQ, "y".repeat(3000));
		second.expect(PacketType.ECHO_RES);
		// together over the limit: a peer with replies unread waits, one that read everything does not
		second.sendData(PacketType.ECHO_REQ, "waits");
		TestPeer reader = peer();
		reader.expectNoMessage();
		assertThat(second.poll()).isNull();
		first.readReplies();
		second.readReplies();
		second.expectData(PacketType.ECHO_RES, "waits");
	}

}
