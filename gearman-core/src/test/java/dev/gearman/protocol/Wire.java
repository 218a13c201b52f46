package dev.gearman.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Raw wire bytes built by hand from the protocol notes, independently of {@link GearmanEncoder}, and small helpers
 * to push bytes through an {@link EmbeddedChannel} holding the codec.
 */
final class Wire {

	static final int REQ = 0x00524551;

	static final int RES = 0x00524553;

	private Wire() {
	}

	/** A 12-byte header; {@code size} is written as an unsigned 32-bit value. */
	static byte[] header(int magic, long type, long size) {
		return ByteBuffer.allocate(12).putInt(magic).putInt((int) type).putInt((int) size).array();
	}

	/** A header followed by the given payload. */
	static byte[] packet(int magic, int type, byte[] payload) {
		return concat(header(magic, type, payload.length), payload);
	}

	static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	/** A server-side decoder (admin text enabled) in an embedded channel. */
	static EmbeddedChannel serverDecoder(long maxPacketSize) {
		return new EmbeddedChannel(new InspectableDecoder(maxPacketSize, true));
	}

	static EmbeddedChannel encoderChannel() {
		return new EmbeddedChannel(GearmanEncoder.INSTANCE);
	}

	/** Encodes through the pipeline and returns every byte written. */
	static byte[] encode(Object message) {
		EmbeddedChannel channel = encoderChannel();
		channel.writeOutbound(message);
		byte[] bytes = outbound(channel);
		channel.finishAndReleaseAll();
		return bytes;
	}

	/** Drains and concatenates every buffer written to the channel. */
	static byte[] outbound(EmbeddedChannel channel) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
			ByteBuf buf = (ByteBuf) message;
			byte[] bytes = new byte[buf.readableBytes()];
			buf.readBytes(bytes);
			buf.release();
			out.writeBytes(bytes);
		}
		return out.toByteArray();
	}

	/** Writes the bytes in one buffer and returns every decoded message. */
	static List<Object> feed(EmbeddedChannel channel, byte[] bytes) {
		channel.writeInbound(Unpooled.wrappedBuffer(bytes));
		return inbound(channel);
	}

	/** Writes the bytes one buffer per byte and returns every decoded message. */
	static List<Object> feedByteByByte(EmbeddedChannel channel, byte[] bytes) {
		for (byte b : bytes) {
			channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { b }));
		}
		return inbound(channel);
	}

	static List<Object> inbound(EmbeddedChannel channel) {
		List<Object> messages = new ArrayList<>();
		for (Object message = channel.readInbound(); message != null; message = channel.readInbound()) {
			messages.add(message);
		}
		return messages;
	}

	/** Bytes the decoder holds in its cumulation buffer, waiting for more input. */
	static int buffered(EmbeddedChannel channel) {
		return channel.pipeline().get(InspectableDecoder.class).buffered();
	}

	/** Exposes how much input the decoder is holding. */
	static final class InspectableDecoder extends GearmanDecoder {

		InspectableDecoder(long maxPacketSize, boolean adminText) {
			super(maxPacketSize, adminText);
		}

		int buffered() {
			return internalBuffer().readableBytes();
		}

	}

}
