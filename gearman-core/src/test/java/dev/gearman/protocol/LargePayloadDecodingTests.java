package dev.gearman.protocol;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Large packets arriving in pieces: the decoder reports how much is missing, collects the pieces without merging
 * them, and the receive allocator sizes the next read to the rest of the packet.
 */
class LargePayloadDecodingTests {

	private static final int SIZE = 1024 * 1024 + 17;

	@Test
	void largePayloadArrivingInPiecesShouldDecodeIntactAndReportWhatIsMissing() {
		GearmanDecoder decoder = new GearmanDecoder(64L * 1024 * 1024, true);
		EmbeddedChannel channel = new EmbeddedChannel(decoder);
		byte[] data = payload(SIZE);
		ByteBuf wire = Unpooled.buffer();
		GearmanEncoder.write(Packet.requestWithData(PacketType.SUBMIT_JOB, data, "reverse", "u-1"), wire);
		GearmanEncoder.write(Packet.request(PacketType.GRAB_JOB), wire);
		int total = wire.readableBytes();
		int payloadEnd = total - 12;
		assertThat(decoder.missingPayloadBytes()).isZero();
		int sent = 0;
		while (sent < payloadEnd) {
			int piece = Math.min(60_000, payloadEnd - sent);
			channel.writeInbound(wire.readRetainedSlice(piece));
			sent += piece;
			if (sent < payloadEnd && sent >= 12) {
				assertThat(decoder.missingPayloadBytes()).isEqualTo(payloadEnd - sent);
			}
		}
		assertThat(decoder.missingPayloadBytes()).isZero();
		Packet submit = channel.readInbound();
		assertThat(submit.type()).isEqualTo(PacketType.SUBMIT_JOB);
		assertThat(submit.arg(0)).isEqualTo("reverse");
		assertThat(submit.arg(1)).isEqualTo("u-1");
		assertThat(Arrays.equals(submit.data(), data)).isTrue();
		// the small packet that follows is decoded as usual, also when it arrives byte by byte
		while (wire.isReadable()) {
			channel.writeInbound(wire.readRetainedSlice(1));
		}
		Packet grab = channel.readInbound();
		assertThat(grab.type()).isEqualTo(PacketType.GRAB_JOB);
		assertThat((Object) channel.readInbound()).isNull();
		wire.release();
		channel.finishAndReleaseAll();
	}

	@Test
	void allocatorShouldSizeReadsToTheMissingPartOfAPacketUpToItsLimit() {
		GearmanDecoder decoder = new GearmanDecoder(64L * 1024 * 1024, true);
		EmbeddedChannel channel = new EmbeddedChannel(decoder);
		RecvByteBufAllocator.Handle handle = new PayloadSizedRecvByteBufAllocator(decoder).newHandle();
		handle.reset(channel.config());
		int between = handle.guess();
		assertThat(between).isLessThan(PayloadSizedRecvByteBufAllocator.MAX_READ);

		ByteBuf head = Unpooled.buffer();
		head.writeInt(Magic.REQ.code()).writeInt(PacketType.ECHO_REQ.code()).writeInt(300_000);
		head.writeZero(1000);
		channel.writeInbound(head);
		assertThat(handle.guess()).isEqualTo(299_000);
		ByteBuf buf = handle.allocate(ByteBufAllocator.DEFAULT);
		assertThat(buf.writableBytes()).isGreaterThanOrEqualTo(299_000);
		buf.release();

		ByteBuf huge = Unpooled.buffer();
		huge.writeInt(Magic.REQ.code()).writeInt(PacketType.ECHO_REQ.code()).writeInt(8_000_000);
		channel.writeInbound(Unpooled.wrappedBuffer(new byte[299_000]), huge);
		assertThat((Object) channel.readInbound()).isInstanceOf(Packet.class);
		assertThat(handle.guess()).isEqualTo(PayloadSizedRecvByteBufAllocator.MAX_READ);
		channel.writeInbound(Unpooled.wrappedBuffer(new byte[8_000_000]));
		assertThat((Object) channel.readInbound()).isInstanceOf(Packet.class);
		assertThat(handle.guess()).isEqualTo(between);
		channel.finishAndReleaseAll();
	}

	private static byte[] payload(int size) {
		byte[] data = new byte[size];
		for (int i = 0; i < size; i++) {
			data[i] = (byte) (i * 31 + (i >>> 11));
		}
		return data;
	}

}
