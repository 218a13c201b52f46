package dev.gearman.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;

/**
 * Encodes {@link Packet}s and {@link AdminReply} texts. A small packet is written into one buffer; a large data
 * blob is not copied here but appended to the header as a wrapped buffer, and a blob the packet holds in a
 * {@link Packet#dataBuffer() buffer} is passed on as it is, so that its bytes reach the socket without a copy. The
 * packet's own reference is released once it is encoded. Stateless and sharable.
 */
@Sharable
public class GearmanEncoder extends MessageToMessageEncoder<Object> {

	/** Data blobs up to this size are copied into the packet's buffer; larger ones are appended as they are. */
	static final int INLINE_DATA_MAX = 64 * 1024;

	/** The shared instance. */
	public static final GearmanEncoder INSTANCE = new GearmanEncoder();

	@Override
	public boolean acceptOutboundMessage(Object msg) {
		return msg instanceof Packet || msg instanceof AdminReply;
	}

	@Override
	protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
		if (msg instanceof AdminReply reply) {
			ByteBuf buf = ctx.alloc().buffer(reply.text().length());
			buf.writeCharSequence(reply.text(), StandardCharsets.ISO_8859_1);
			out.add(buf);
			return;
		}
		Packet packet = (Packet) msg;
		long payloadSize = packet.payloadSize();
		ByteBuf dataBuffer = packet.dataBuffer();
		int dataLength = packet.dataLength();
		int headerAndArgs = (int) (GearmanConstants.HEADER_SIZE + payloadSize - dataLength);
		if (dataBuffer != null) {
			ByteBuf head = ctx.alloc().ioBuffer(headerAndArgs);
			writeHeaderAndArgs(head, packet, payloadSize);
			out.add(head);
			// a duplicate of its own for each write: the socket moves the reader index of what it writes, and the
			// same blob may be on its way to several peers, or be sent again when its job is requeued
			out.add(dataBuffer.retainedDuplicate());
			return;
		}
		if (dataLength <= INLINE_DATA_MAX) {
			// one buffer for the whole packet: the socket needs the bytes in direct memory anyway, and a small
			// packet then costs one allocation and one entry in the outbound buffer instead of two
			ByteBuf buf = ctx.alloc().ioBuffer(headerAndArgs + dataLength);
			writeHeaderAndArgs(buf, packet, payloadSize);
			buf.writeBytes(packet.data());
			out.add(buf);
			return;
		}
		ByteBuf head = ctx.alloc().ioBuffer(headerAndArgs);
		writeHeaderAndArgs(head, packet, payloadSize);
		out.add(head);
		out.add(Unpooled.wrappedBuffer(packet.data()));
	}

	/**
	 * Writes a whole packet into a buffer; for tests and callers outside a pipeline.
	 * @param packet the packet
	 * @param buf the buffer to write to
	 */
	public static void write(Packet packet, ByteBuf buf) {
		writeHeaderAndArgs(buf, packet, packet.payloadSize());
		ByteBuf dataBuffer = packet.dataBuffer();
		if (dataBuffer != null) {
			buf.writeBytes(dataBuffer, dataBuffer.readerIndex(), dataBuffer.readableBytes());
		}
		else {
			buf.writeBytes(packet.data());
		}
	}

	private static void writeHeaderAndArgs(ByteBuf buf, Packet packet, long payloadSize) {
		buf.writeInt(packet.magic().code());
		buf.writeInt(packet.type().code());
		buf.writeInt((int) payloadSize);
		int argc = packet.argCount();
		for (int i = 0; i < argc; i++) {
			buf.writeCharSequence(packet.arg(i), StandardCharsets.ISO_8859_1);
			if (packet.type().hasData() || i < argc - 1) {
				buf.writeByte(0);
			}
		}
	}

}
