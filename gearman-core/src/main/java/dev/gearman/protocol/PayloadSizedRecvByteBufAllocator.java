package dev.gearman.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Sizes a connection's reads like Netty's adaptive allocator, except while a large packet is half received: then
 * a read asks for the rest of the packet (up to {@value #MAX_READ} bytes) at once, as gearmand does. A 1 MiB
 * payload so arrives in a few reads instead of sixteen 64 KiB ones, and the kernel's receive queue drains, and
 * the peer's window reopens, in one step. The rest of a large data blob the decoder keeps in a buffer is read
 * straight into that buffer, unless the decoder is not the first to see the bytes read (behind TLS, what is read
 * is ciphertext). One instance per channel, since it follows that channel's decoder.
 * <p>
 * Reads are sized by what arrives, too: after a read that filled less than half of its buffer, the next one is sized
 * as between packets, and only a read that filled its buffer brings the large reads back. A peer trickling a large
 * packet byte by byte so gets small buffers, not a mebibyte per byte.
 */
public final class PayloadSizedRecvByteBufAllocator implements RecvByteBufAllocator {

	/** The largest single read. */
	public static final int MAX_READ = 1024 * 1024;

	private final AdaptiveRecvByteBufAllocator adaptive = new AdaptiveRecvByteBufAllocator();

	private final GearmanDecoder decoder;

	private final boolean readIntoData;

	/**
	 * Creates the allocator for one channel whose decoder sees the bytes as they are read.
	 * @param decoder the channel's decoder, asked how much of the current packet is missing
	 */
	public PayloadSizedRecvByteBufAllocator(GearmanDecoder decoder) {
		this(decoder, true);
	}

	/**
	 * Creates the allocator for one channel.
	 * @param decoder the channel's decoder, asked how much of the current packet is missing
	 * @param readIntoData whether reads may go straight into the decoder's data buffer; only where the decoder is
	 * the first handler, never behind TLS, whose reads must be decrypted first
	 */
	public PayloadSizedRecvByteBufAllocator(GearmanDecoder decoder, boolean readIntoData) {
		this.decoder = decoder;
		this.readIntoData = readIntoData;
	}

	@Override
	public Handle newHandle() {
		return new SizedHandle((ExtendedHandle) this.adaptive.newHandle());
	}

	private final class SizedHandle implements ExtendedHandle {

		private final ExtendedHandle delegate;

		/** Whether the last read filled less than half of its buffer: the peer sends less than a packet misses. */
		private boolean sparse;

		SizedHandle(ExtendedHandle delegate) {
			this.delegate = delegate;
		}

		@Override
		public ByteBuf allocate(ByteBufAllocator alloc) {
			// the rest of a large data blob is read straight into the buffer it is kept in
			ByteBuf inPlace = PayloadSizedRecvByteBufAllocator.this.readIntoData
					? PayloadSizedRecvByteBufAllocator.this.decoder.dataReadBuffer() : null;
			return (inPlace != null) ? inPlace : alloc.ioBuffer(guess());
		}

		@Override
		public int guess() {
			int missing = PayloadSizedRecvByteBufAllocator.this.decoder.missingPayloadBytes();
			int adaptiveGuess = this.delegate.guess();
			return (missing > adaptiveGuess && !this.sparse) ? Math.min(missing, MAX_READ) : adaptiveGuess;
		}

		@Override
		public void reset(ChannelConfig config) {
			this.delegate.reset(config);
		}

		@Override
		public void incMessagesRead(int numMessages) {
			this.delegate.incMessagesRead(numMessages);
		}

		@Override
		public void lastBytesRead(int bytes) {
			if (bytes >= 0) {
				this.sparse = bytes < this.delegate.attemptedBytesRead() / 2;
			}
			this.delegate.lastBytesRead(bytes);
		}

		@Override
		public int lastBytesRead() {
			return this.delegate.lastBytesRead();
		}

		@Override
		public void attemptedBytesRead(int bytes) {
			this.delegate.attemptedBytesRead(bytes);
		}

		@Override
		public int attemptedBytesRead() {
			return this.delegate.attemptedBytesRead();
		}

		@Override
		public boolean continueReading() {
			return this.delegate.continueReading();
		}

		@Override
		public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
			return this.delegate.continueReading(maybeMoreDataSupplier);
		}

		@Override
		public void readComplete() {
			this.delegate.readComplete();
		}

	}

}
