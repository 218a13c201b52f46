package dev.gearman.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Large data blobs held in buffers (the server's decoder): decoded from pieces into one buffer, re-encoded byte for
 * byte without a copy, and every reference accounted for once the packets are written.
 */
class BufferedDataCodecTests {

	private static final int SIZE = 1024 * 1024 + 17;

	@Test
	void largeBlobArrivingInPiecesShouldBeHeldInABufferAndReencodedByteForByte() {
		EmbeddedChannel server = new EmbeddedChannel(bufferingDecoder());
		byte[] data = payload(SIZE);
		ByteBuf wire = Unpooled.buffer();
		GearmanEncoder.write(Packet.requestWithData(PacketType.SUBMIT_JOB, data, "reverse", "u-1"), wire);
		byte[] expected = ByteBufUtil.getBytes(wire);
		while (wire.isReadable()) {
			server.writeInbound(wire.readRetainedSlice(Math.min(60_000, wire.readableBytes())));
		}
		wire.release();
		Packet submit = server.readInbound();
		ByteBuf held = submit.dataBuffer();
		assertThat(held).isNotNull();
		assertThat(held.refCnt()).isEqualTo(1);
		assertThat(submit.dataLength()).isEqualTo(SIZE);
		assertThat(submit.payloadSize()).isEqualTo(SIZE + "reverse".length() + "u-1".length() + 2);
		assertThat(Arrays.equals(submit.data(), data)).isTrue();

		EmbeddedChannel out = new EmbeddedChannel(GearmanEncoder.INSTANCE);
		out.writeOutbound(submit);
		// written: the encoder released the packet's reference, the outbound duplicate holds the only one
		assertThat(held.refCnt()).isEqualTo(1);
		ByteBuf encoded = Unpooled.buffer();
		for (ByteBuf part = out.readOutbound(); part != null; part = out.readOutbound()) {
			encoded.writeBytes(part);
			part.release();
		}
		assertThat(ByteBufUtil.getBytes(encoded)).isEqualTo(expected);
		encoded.release();
		assertThat(held.refCnt()).isZero();
		assertThat(server.finish()).isFalse();
		assertThat(out.finish()).isFalse();
	}

	@Test
	void restOfALargeBlobShouldBeReadStraightIntoItsBuffer() {
		ByteBuf probe = Unpooled.directBuffer(1);
		boolean addressable = probe.hasMemoryAddress();
		probe.release();
		assumeTrue(addressable, "direct buffers expose their address");
		GearmanDecoder decoder = bufferingDecoder();
		EmbeddedChannel server = new EmbeddedChannel(decoder);
		RecvByteBufAllocator.Handle reads = new PayloadSizedRecvByteBufAllocator(decoder).newHandle();
		reads.reset(server.config());
		byte[] data = payload(SIZE);
		ByteBuf wire = Unpooled.buffer();
		GearmanEncoder.write(Packet.requestWithData(PacketType.WORK_COMPLETE, data, "H:x:1"), wire);
		GearmanEncoder.write(Packet.request(PacketType.GRAB_JOB), wire);
		server.writeInbound(wire.readRetainedSlice(5000));
		assertThat(decoder.missingPayloadBytes()).isEqualTo(SIZE - (5000 - 12 - "H:x:1".length() - 1));
		List<Long> readAddresses = new ArrayList<>();
		List<Integer> blobOffsets = new ArrayList<>();
		while (decoder.missingPayloadBytes() > 0) {
			// what the channel does: allocate, read from the socket into it, pass it down the pipeline
			ByteBuf read = reads.allocate(server.alloc());
			assertThat(read.writableBytes()).isEqualTo(decoder.missingPayloadBytes());
			readAddresses.add(read.memoryAddress());
			blobOffsets.add(SIZE - decoder.missingPayloadBytes());
			read.writeBytes(wire, Math.min(70_000, read.writableBytes()));
			server.writeInbound(read);
		}
		Packet complete = server.readInbound();
		// every read went to where its bytes belong in the packet's own buffer
		long blobAddress = complete.dataBuffer().memoryAddress();
		for (int i = 0; i < readAddresses.size(); i++) {
			assertThat(readAddresses.get(i)).isEqualTo(blobAddress + blobOffsets.get(i));
		}
		assertThat(Arrays.equals(complete.data(), data)).isTrue();
		assertThat(complete.arg(0)).isEqualTo("H:x:1");
		// back to ordinary reads for what follows
		ByteBuf read = reads.allocate(server.alloc());
		assertThat(read.memoryAddress() >= blobAddress && read.memoryAddress() < blobAddress + SIZE).isFalse();
		read.release();
		server.writeInbound(wire);
		assertThat(((Packet) server.readInbound()).type()).isEqualTo(PacketType.GRAB_JOB);
		assertThat(complete.release()).isTrue();
		assertThat(server.finish()).isFalse();
	}

	@Test
	void hugeBlobShouldCollectAsItArrivesAndStillEndInABuffer() {
		GearmanDecoder decoder = bufferingDecoder();
		EmbeddedChannel server = new EmbeddedChannel(decoder);
		byte[] data = payload(8 * PayloadSizedRecvByteBufAllocator.MAX_READ + 1);
		ByteBuf wire = Unpooled.buffer();
		GearmanEncoder.write(Packet.requestWithData(PacketType.ECHO_REQ, data), wire);
		server.writeInbound(wire.readRetainedSlice(100_000));
		// announced but not sent: nothing of that size is reserved up front
		assertThat(decoder.dataReadBuffer()).isNull();
		assertThat(decoder.missingPayloadBytes()).isEqualTo(data.length + 12 - 100_000);
		boolean inPlace = false;
		while (wire.isReadable()) {
			server.writeInbound(wire.readRetainedSlice(Math.min(1_000_000, wire.readableBytes())));
			ByteBuf read = decoder.dataReadBuffer();
			if (read != null) {
				// only once no more than one read's worth is missing
				assertThat(read.writableBytes()).isLessThanOrEqualTo(PayloadSizedRecvByteBufAllocator.MAX_READ);
				inPlace = true;
				read.release();
			}
		}
		assertThat(inPlace).isTrue();
		wire.release();
		Packet echo = server.readInbound();
		assertThat(echo.dataBuffer()).isNotNull();
		assertThat(Arrays.equals(echo.data(), data)).isTrue();
		assertThat(echo.release()).isTrue();
		assertThat(server.finish()).isFalse();
	}

	@Test
	void blobOfAConnectionThatDiesMidPacketShouldBeReleased() {
		GearmanDecoder decoder = bufferingDecoder();
		EmbeddedChannel server = new EmbeddedChannel(decoder);
		ByteBuf wire = Unpooled.buffer();
		GearmanEncoder.write(Packet.requestWithData(PacketType.SUBMIT_JOB, payload(SIZE), "f", "u"), wire);
		server.writeInbound(wire.readRetainedSlice(200_000));
		wire.release();
		ByteBuf read = new PayloadSizedRecvByteBufAllocator(decoder).newHandle().allocate(server.alloc());
		ByteBuf blob = read.unwrap();
		read.release();
		assertThat(blob.refCnt()).isEqualTo(1);
		assertThat(server.finish()).isFalse();
		assertThat(blob.refCnt()).isZero();
	}

	@Test
	void argumentsArrivingInPiecesShouldStillEndInOneBufferedBlob() {
		EmbeddedChannel server = new EmbeddedChannel(bufferingDecoder());
		byte[] data = payload(SIZE);
		ByteBuf wire = Unpooled.buffer();
		GearmanEncoder.write(Packet.requestWithData(PacketType.SUBMIT_JOB, data, "f".repeat(300), "u-1"), wire);
		GearmanEncoder.write(Packet.requestWithData(PacketType.ECHO_REQ, data), wire);
		byte[] expected = ByteBufUtil.getBytes(wire);
		while (wire.isReadable()) {
			server.writeInbound(wire.readRetainedSlice(Math.min(wire.readerIndex() < 400 ? 7 : 300_000,
					wire.readableBytes())));
		}
		wire.release();
		EmbeddedChannel out = new EmbeddedChannel(GearmanEncoder.INSTANCE);
		for (Object packet = server.readInbound(); packet != null; packet = server.readInbound()) {
			assertThat(((Packet) packet).dataBuffer()).isNotNull();
			out.writeOutbound(packet);
		}
		ByteBuf encoded = Unpooled.buffer();
		for (ByteBuf part = out.readOutbound(); part != null; part = out.readOutbound()) {
			encoded.writeBytes(part);
			part.release();
		}
		assertThat(ByteBufUtil.getBytes(encoded)).isEqualTo(expected);
		encoded.release();
		assertThat(server.finish()).isFalse();
	}

	@Test
	void blobBelowTheThresholdShouldStayAnArray() {
		EmbeddedChannel server = new EmbeddedChannel(bufferingDecoder());
		byte[] data = payload(GearmanDecoder.BUFFERED_DATA_MIN - 1);
		ByteBuf wire = Unpooled.buffer();
		GearmanEncoder.write(Packet.requestWithData(PacketType.ECHO_REQ, data), wire);
		server.writeInbound(wire);
		Packet echo = server.readInbound();
		assertThat(echo.dataBuffer()).isNull();
		assertThat(echo.data()).isEqualTo(data);
		assertThat(server.finish()).isFalse();
	}

	@Test
	void decoderWithoutBufferingShouldDecodeLargeBlobsIntoArrays() {
		EmbeddedChannel client = new EmbeddedChannel(new GearmanDecoder(64L * 1024 * 1024, false));
		byte[] data = payload(SIZE);
		ByteBuf wire = Unpooled.buffer();
		GearmanEncoder.write(Packet.responseWithData(PacketType.WORK_COMPLETE, data, "H:x:1"), wire);
		client.writeInbound(wire);
		Packet complete = client.readInbound();
		assertThat(complete.dataBuffer()).isNull();
		assertThat(Arrays.equals(complete.data(), data)).isTrue();
		assertThat(client.finish()).isFalse();
	}

	@Test
	void packetSharingABufferShouldOwnAReferenceOfItsOwnAndEncodeEachWriteFromTheStart() {
		ByteBuf blob = Unpooled.directBuffer(SIZE).writeBytes(payload(SIZE));
		Packet source = Packet.responseWithData(PacketType.WORK_DATA, blob, "H:x:1");
		Packet forwarded = Packet.responseWithDataOf(PacketType.WORK_COMPLETE, source, "H:x:2");
		assertThat(blob.refCnt()).isEqualTo(2);
		assertThat(source.release()).isFalse();
		// the same packet written to two peers: one reference each, and neither write may move the other's bytes
		EmbeddedChannel first = new EmbeddedChannel(GearmanEncoder.INSTANCE);
		EmbeddedChannel second = new EmbeddedChannel(GearmanEncoder.INSTANCE);
		first.writeOutbound(forwarded.retain());
		ByteBuf firstData = drainData(first);
		second.writeOutbound(forwarded);
		ByteBuf secondData = drainData(second);
		assertThat(ByteBufUtil.equals(firstData, secondData)).isTrue();
		assertThat(firstData.readableBytes()).isEqualTo(SIZE);
		firstData.release();
		secondData.release();
		assertThat(blob.refCnt()).isZero();
	}

	@Test
	void arrayPacketShouldIgnoreReferenceCounting() {
		Packet packet = Packet.responseWithData(PacketType.WORK_COMPLETE, new byte[] { 1, 2 }, "H:x:1");
		assertThat(packet.refCnt()).isEqualTo(1);
		assertThat(packet.retain().release()).isFalse();
		assertThat(packet.refCnt()).isEqualTo(1);
		assertThat(packet.dataLength()).isEqualTo(2);
	}

	/** Reads the header buffer and the data buffer the encoder wrote; returns the data, still to be released. */
	private static ByteBuf drainData(EmbeddedChannel channel) {
		ByteBuf head = channel.readOutbound();
		ByteBuf data = channel.readOutbound();
		head.release();
		assertThat((Object) channel.readOutbound()).isNull();
		return data;
	}

	static byte[] payload(int size) {
		byte[] data = new byte[size];
		for (int i = 0; i < size; i++) {
			data[i] = (byte) (i * 31 + (i >>> 11));
		}
		return data;
	}

	/** The server's decoder: 64 MiB packets, admin text, large data blobs in buffers. */
	private static GearmanDecoder bufferingDecoder() {
		return new GearmanDecoder(64L * 1024 * 1024, true, true);
	}

}
