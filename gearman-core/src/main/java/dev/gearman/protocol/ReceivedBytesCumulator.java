package dev.gearman.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Collects a connection's reads while a packet is incomplete, so that the memory it holds follows the bytes that
 * arrived, not the size of the buffers they were read into. A read buffer is kept as it is only if the read filled
 * at least half of it; the bytes of a read that filled less are copied and its buffer goes back to the pool at once.
 * (Reads are sized to what a packet still misses, up to a mebibyte: a peer trickling a byte at a time into a packet
 * it announced large would otherwise pin a mebibyte per byte.)
 * <p>
 * Small packets are merged into one growing buffer, as Netty's {@link ByteToMessageDecoder#MERGE_CUMULATOR} does.
 * For a large payload ({@link #collectLarge}) the well-filled read buffers are chained in a
 * {@link CompositeByteBuf} instead, so that a growing buffer is not copied again and again; sparse reads are copied
 * into spare room at its end, reserved {@value #SPARE} bytes at a time. Either way a connection holds at most about
 * twice what it sent, plus one spare block.
 */
final class ReceivedBytesCumulator implements ByteToMessageDecoder.Cumulator {

	/** Reads into buffers up to this size are never worth a copy. */
	private static final int SMALL_READ = 4096;

	/** Spare room added at the end of a composite for sparse reads. */
	static final int SPARE = 8192;

	private boolean large;

	/**
	 * Switches between merging (small packets) and chaining read buffers (a large payload being received).
	 * @param large whether the current packet is large
	 */
	void collectLarge(boolean large) {
		this.large = large;
	}

	@Override
	public ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
		if (cumulation == in) {
			// the decoder hands its own cumulation back in to decode what it holds again
			in.release();
			return cumulation;
		}
		if (!cumulation.isReadable()) {
			cumulation.release();
			return wellFilled(in) ? in : copy(alloc, in, in.readableBytes());
		}
		if (this.large && (wellFilled(in) || cumulation instanceof CompositeByteBuf)) {
			return chain(alloc, cumulation, in);
		}
		return merge(alloc, cumulation, in);
	}

	/** Whether a read buffer is filled enough to be kept rather than copied. */
	static boolean wellFilled(ByteBuf in) {
		return in.capacity() <= SMALL_READ || in.readableBytes() >= in.capacity() / 2;
	}

	private static ByteBuf copy(ByteBufAllocator alloc, ByteBuf in, int capacity) {
		try {
			ByteBuf copy = alloc.buffer(capacity);
			copy.writeBytes(in, in.readerIndex(), in.readableBytes());
			return copy;
		}
		finally {
			in.release();
		}
	}

	/** Copies into the cumulation, replacing it by one about twice as large when it is full. */
	private static ByteBuf merge(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
		int required = in.readableBytes();
		if (!(cumulation instanceof CompositeByteBuf) && required <= cumulation.maxFastWritableBytes()
				&& cumulation.refCnt() == 1 && !cumulation.isReadOnly()) {
			try {
				cumulation.writeBytes(in, in.readerIndex(), required);
				return cumulation;
			}
			finally {
				in.release();
			}
		}
		int capacity = alloc.calculateNewCapacity(cumulation.readableBytes() + required, Integer.MAX_VALUE);
		ByteBuf merged;
		try {
			merged = alloc.buffer(capacity);
			merged.writeBytes(cumulation, cumulation.readerIndex(), cumulation.readableBytes());
			merged.writeBytes(in, in.readerIndex(), required);
		}
		finally {
			in.release();
		}
		cumulation.release();
		return merged;
	}

	/** Adds a well-filled read buffer as it is, or copies a sparse read into the spare room at the end. */
	private static ByteBuf chain(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
		CompositeByteBuf composite;
		if (cumulation instanceof CompositeByteBuf existing && existing.refCnt() == 1) {
			composite = existing;
		}
		else {
			composite = alloc.compositeBuffer(Integer.MAX_VALUE).addFlattenedComponents(true, cumulation);
		}
		try {
			if (wellFilled(in)) {
				// spare room left at the end would sit between the parts: give it back first
				if (composite.writerIndex() != composite.capacity()) {
					composite.capacity(composite.writerIndex());
				}
				composite.addFlattenedComponents(true, in);
				in = null;
				return composite;
			}
			if (composite.writableBytes() < in.readableBytes()) {
				// one block of spare room, so that a trickle of tiny reads fills it instead of adding a part each
				composite.capacity(composite.writerIndex() + Math.max(SPARE, in.readableBytes()));
			}
			composite.writeBytes(in, in.readerIndex(), in.readableBytes());
			return composite;
		}
		finally {
			if (in != null) {
				in.release();
			}
		}
	}

}
