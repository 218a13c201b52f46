package dev.gearman.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.jspecify.annotations.Nullable;

/**
 * The data blob of a large packet while it is being received, in a buffer of exactly its size. Once the packet's
 * string arguments are in, the rest of the payload needs no parsing: the channel can read it straight into place
 * ({@link #readBuffer()}, offered by {@link PayloadSizedRecvByteBufAllocator}), and what arrives by other means is
 * copied in. Either way no read buffers pile up, and none has to be merged or copied out again. The buffer is
 * allocated before the rest of the blob arrives, so the moment is chosen for it to cost no more than twice what
 * arrived, or to fit a {@link ReadAheadBudget} (see {@link #start}).
 */
final class IncomingData {

	/** How far into a payload its string arguments are looked for; beyond, the packet is decoded as a whole. */
	static final int MAX_ARGS_SCAN = 8 * 1024;

	private final Magic magic;

	private final PacketType type;

	private final String[] args;

	private final ByteBuf buffer;

	/** The last view of the free part of {@link #buffer} handed to the channel to read into. */
	private @Nullable ByteBuf readBuffer;

	/** Where in {@link #buffer} that view starts. */
	private int readBufferOffset;

	/** Bytes of {@link #buffer} reserved from {@link #readAhead} when it was allocated, returned when it is done. */
	private final long reserved;

	private final ReadAheadBudget readAhead;

	private IncomingData(Magic magic, PacketType type, String[] args, ByteBuf buffer, ReadAheadBudget readAhead,
			long reserved) {
		this.magic = magic;
		this.type = type;
		this.args = args;
		this.buffer = buffer;
		this.readAhead = readAhead;
		this.reserved = reserved;
	}

	/**
	 * Starts receiving a packet's data blob, if its string arguments are complete in {@code in}, the blob is at
	 * least {@code minData} bytes, and allocating it costs no more than what arrived: at least half of the blob is
	 * in, or at most one read's worth ({@link PayloadSizedRecvByteBufAllocator#MAX_READ}) is missing and the shared
	 * read-ahead budget grants it. Then everything readable in {@code in} is consumed. The payload must not be
	 * complete in {@code in} yet.
	 * @return the blob being received, or {@code null} to keep collecting the packet as a whole
	 */
	static @Nullable IncomingData start(ByteBufAllocator alloc, ByteBuf in, Magic magic, PacketType type,
			int payloadSize, int minData, ReadAheadBudget readAhead) {
		int start = in.readerIndex();
		int scanEnd = start + Math.min(in.readableBytes(), MAX_ARGS_SCAN);
		String[] args = new String[type.argc()];
		int pos = GearmanDecoder.readStringArgs(in, start, scanEnd, args, args.length);
		if (pos < 0) {
			return null;
		}
		int dataLength = payloadSize - (pos - start);
		if (dataLength < minData) {
			return null;
		}
		int available = in.writerIndex() - pos;
		long ahead = dataLength - available;
		long reserved = 0;
		if (ahead > available) {
			if (ahead > PayloadSizedRecvByteBufAllocator.MAX_READ || !readAhead.tryReserve(ahead)) {
				return null;
			}
			reserved = ahead;
		}
		ByteBuf buffer;
		try {
			buffer = alloc.directBuffer(dataLength, dataLength);
		}
		catch (RuntimeException | Error ex) {
			readAhead.release(reserved);
			throw ex;
		}
		// component by component if the cumulation is a composite, without merging it first
		in.getBytes(pos, buffer, 0, available);
		buffer.writerIndex(available);
		in.skipBytes(in.readableBytes());
		return new IncomingData(magic, type, args, buffer, readAhead, reserved);
	}

	int missing() {
		return this.buffer.writableBytes();
	}

	boolean isComplete() {
		return !this.buffer.isWritable();
	}

	/** Copies as much of {@code in} as the blob still misses. */
	void append(ByteBuf in) {
		in.readBytes(this.buffer, Math.min(missing(), in.readableBytes()));
	}

	/**
	 * A buffer for the channel to read the rest of the blob into: a view of the blob's free part, so the bytes
	 * land in place. It holds a reference of its own and comes back through the pipeline as a read message.
	 */
	ByteBuf readBuffer() {
		ByteBuf view = this.buffer.retainedSlice(this.buffer.writerIndex(),
				Math.min(missing(), PayloadSizedRecvByteBufAllocator.MAX_READ));
		view.writerIndex(0);
		this.readBuffer = view;
		this.readBufferOffset = this.buffer.writerIndex();
		return view;
	}

	boolean isReadBuffer(Object message) {
		return message == this.readBuffer;
	}

	/** Takes back a {@link #readBuffer()} the channel has read into; the bytes it holds are part of the blob. */
	void read(ByteBuf view) {
		this.readBuffer = null;
		int read = view.readableBytes();
		view.release();
		if (this.readBufferOffset != this.buffer.writerIndex()) {
			// bytes arrived by another way between the allocation and the read: these would land out of order
			throw new GearmanCodecException("data read out of order");
		}
		this.buffer.writerIndex(this.readBufferOffset + read);
	}

	/** The complete packet, which takes over the blob's buffer. */
	Packet toPacket() {
		this.readAhead.release(this.reserved);
		return Packet.decoded(this.magic, this.type, this.args, this.buffer);
	}

	/** Drops the blob of a packet that will never be complete. */
	void release() {
		this.readAhead.release(this.reserved);
		this.buffer.release();
	}

}
