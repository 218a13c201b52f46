package dev.gearman.server;

import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that announce large packets and send little of them: what the server holds for them follows what they sent,
 * not what they announced. (Before: every one-byte read of a large packet kept a read buffer of up to a mebibyte,
 * and a blob's buffer was allocated in full once at most a mebibyte of it was missing, whatever had arrived.)
 */
class TricklingPacketTests extends HostilePeerTestSupport {

	@Test
	void bodiesTrickledAByteAtATimeShouldCostWhatWasSent() throws Exception {
		start((settings) -> {
		});
		Bystander bystander = bystander();
		MemoryWatch memory = watchMemory();
		List<Socket> peers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			Socket peer = attacker();
			send(peer, header(PacketType.ECHO_REQ, 32 * MIB));
			peers.add(peer);
		}
		// 4 x 600 single bytes, each its own segment and so its own read: a read buffer kept per byte would cost 2.4 GB
		for (int round = 0; round < 600; round++) {
			for (Socket peer : peers) {
				send(peer, new byte[] { (byte) round });
			}
			Thread.sleep(1);
			if (round % 50 == 0) {
				assertThat(memory.peak()).as("buffer memory after %d bytes per peer", round).isLessThan(16L * MIB);
			}
		}
		assertThat(memory.peak()).as("buffer memory after 600 bytes per peer").isLessThan(16L * MIB);
		bystander.assertServedWithin(200);
	}

	@Test
	void largePacketsAnnouncedOnManyConnectionsShouldNotBeReservedBeyondTheReadAheadBudget() throws Exception {
		start((settings) -> settings.setMaxReadAhead(8L * MIB));
		MemoryWatch memory = watchMemory();
		List<Socket> peers = new ArrayList<>();
		// each announces a 1 MiB blob and sends its first kilobyte: one read's worth is missing, so each would have
		// its whole buffer allocated up front without a budget (64 MiB here)
		byte[] data = new byte[MIB];
		Arrays.fill(data, (byte) 'x');
		byte[] packet = wire(Packet.requestWithData(PacketType.ECHO_REQ, data));
		for (int i = 0; i < 64; i++) {
			Socket peer = attacker();
			send(peer, Arrays.copyOf(packet, 1024));
			peers.add(peer);
		}
		RawConnection probe = connect();
		probe.sync();
		awaitTrue("the server took in every first kilobyte", 5_000, () -> this.server.connections() == 65);
		Thread.sleep(200);
		assertThat(memory.peak()).as("buffer memory with 64 packets of 1 MiB announced").isLessThan(24L * MIB);
		// the rest arrives: every packet is still served, whichever way it was collected
		for (Socket peer : peers) {
			send(peer, Arrays.copyOfRange(packet, 1024, packet.length));
		}
		for (Socket peer : peers) {
			byte[] echo = peer.getInputStream().readNBytes(packet.length);
			assertThat(Arrays.equals(echo, 12, echo.length, packet, 12, packet.length)).isTrue();
		}
	}

}
