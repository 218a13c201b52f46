package dev.gearman.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.GearmanDecoder;
import dev.gearman.protocol.GearmanEncoder;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.store.NonDurableJobStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's connection pipeline (decoder, encoder, {@link ServerChannelHandler}) in an {@link EmbeddedChannel}:
 * what a peer that sends bad input gets back, byte for byte, and that its connection is closed at once.
 */
class ServerPipelineTests {

	private static final int MAX_PACKET = 1024;

	private final DefaultEventLoop engineLoop = new DefaultEventLoop();

	private final JobEngine engine = new JobEngine(new GearmanServerSettings(), NonDurableJobStore.INSTANCE,
			this.engineLoop);

	private final GearmanDecoder decoder = new GearmanDecoder(MAX_PACKET, true);

	private final EmbeddedChannel channel = new EmbeddedChannel(this.decoder, GearmanEncoder.INSTANCE,
			new ServerChannelHandler(this.engine, this.decoder, TestServers.replyLimits(), Duration.ZERO));

	@AfterEach
	void close() {
		this.channel.finishAndReleaseAll();
		this.engine.close();
		this.engineLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void oversizeHeaderShouldBeAnsweredWithErrorAndCloseBeforeThePayloadArrives() {
		send(header(0x00524551, PacketType.SUBMIT_JOB_BG.code(), 0xFFFF_FFF0L), "fn\0");
		List<Object> replies = decodeReplies();
		assertThat(replies).singleElement().isInstanceOfSatisfying(Packet.class, (error) -> {
			assertThat(error.type()).isEqualTo(PacketType.ERROR);
			assertThat(error.arg(0)).isEqualTo("ARGUMENT_TOO_LARGE");
			assertThat(error.arg(1)).contains("4294967280").contains(String.valueOf(MAX_PACKET));
		});
		assertThat(this.channel.isOpen()).as("connection open after the ERROR").isFalse();
	}

	@Test
	void headerJustOverTheLimitShouldBeRefusedFromTheHeaderAlone() {
		send(header(0x00524551, PacketType.ECHO_REQ.code(), MAX_PACKET + 1));
		assertThat(decodeReplies()).singleElement()
			.satisfies((error) -> assertThat(((Packet) error).arg(0)).isEqualTo("ARGUMENT_TOO_LARGE"));
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void badMagicShouldCloseWithoutAReply() {
		send(header(0x0058595a, PacketType.ECHO_REQ.code(), 0));
		assertClosedSilently();
	}

	@Test
	void unknownTypeShouldCloseWithoutAReply() {
		send(header(0x00524551, 43, 0));
		assertClosedSilently();
	}

	@Test
	void malformedArgumentsShouldCloseWithoutAReply() {
		// WORK_STATUS needs handle, numerator and denominator: one separator is missing
		String status = "H:x:1\0" + "50";
		send(header(0x00524551, PacketType.WORK_STATUS.code(), status.length()), status);
		assertClosedSilently();
	}

	@Test
	void endlessAdminLineShouldCloseWithoutAReply() {
		send(new byte[0], "x".repeat(8193));
		assertClosedSilently();
	}

	private void assertClosedSilently() {
		assertThat(this.channel.isOpen()).as("connection open").isFalse();
		assertThat(decodeReplies()).as("replies").isEmpty();
	}

	private void send(byte[] header, String... payload) {
		ByteBuf buf = Unpooled.buffer().writeBytes(header);
		for (String part : payload) {
			buf.writeBytes(part.getBytes(StandardCharsets.ISO_8859_1));
		}
		this.channel.writeInbound(buf);
	}

	/** Decodes everything the server wrote with a client-side decoder. */
	private List<Object> decodeReplies() {
		EmbeddedChannel client = new EmbeddedChannel(new GearmanDecoder(MAX_PACKET, false));
		for (Object written = this.channel.readOutbound(); written != null; written = this.channel.readOutbound()) {
			client.writeInbound(written);
		}
		List<Object> replies = new ArrayList<>();
		for (Object reply = client.readInbound(); reply != null; reply = client.readInbound()) {
			replies.add(reply);
		}
		assertThat(client.finish()).isFalse();
		return replies;
	}

	private static byte[] header(int magic, int type, long size) {
		return ByteBuffer.allocate(12).putInt(magic).putInt(type).putInt((int) size).array();
	}

}
