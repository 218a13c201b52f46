package dev.gearman.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the Gearman byte stream into {@link Packet}s and, if enabled, admin text lines ({@link AdminRequest}).
 * <p>
 * At every packet boundary the first byte decides: {@code 0} starts a binary packet, anything else an admin
 * line, so the two may interleave on one connection as they do with gearmand. Parsing never looks past the
 * payload size the header declares. A header announcing more than {@code maxPacketSize} fails at once with a
 * {@link PacketTooLargeException}, before any of the payload is buffered. After any failure the decoder drops what
 * it holds and discards all further input: a Gearman stream cannot be resynchronised.
 * <p>
 * Data blobs are decoded into arrays, unless the decoder is told to buffer large data: then a blob of
 * {@value #BUFFERED_DATA_MIN} bytes or more ends up in a direct buffer of exactly its size from the channel's
 * allocator, and the {@link Packet} holds it as its {@link Packet#dataBuffer()}, to be released by whoever consumes
 * the packet. Once the arguments before the blob are in, the rest is read straight into that buffer (see
 * {@link PayloadSizedRecvByteBufAllocator}). The server does this so that a large payload is neither zeroed as a new
 * array nor copied on its way through.
 * <p>
 * Memory follows the bytes received, not the sizes announced: the reads of an incomplete packet are collected by a
 * {@link ReceivedBytesCumulator}, and a blob's buffer is allocated only once half of the blob has arrived, or, within
 * a {@link ReadAheadBudget} shared by the server's connections, once at most one read's worth is missing.
 * <p>
 * Decoding can be {@link #suspend() suspended} at a packet boundary, e.g. while the engine has too many of this
 * connection's commands still to run: the bytes that arrived stay here, undecoded, until {@link #resume()}.
 */
public class GearmanDecoder extends ByteToMessageDecoder {

	private enum State {

		/** Waiting for the first byte of the next packet or line. */
		READ_HEADER,

		/** Header read, waiting for {@code payloadSize} bytes. */
		READ_PAYLOAD,

		/** Header and string arguments read, receiving the data blob into its own buffer ({@link #incoming}). */
		READ_DATA,

		/** A malformed packet was seen; everything that follows is dropped. */
		BAD_MESSAGE

	}

	private final boolean adminText;

	/** Data blobs from this size on go into buffers when the decoder {@link #bufferLargeData buffers} them. */
	public static final int BUFFERED_DATA_MIN = 64 * 1024;

	private final long maxPacketSize;

	private final boolean bufferLargeData;

	private State state = State.READ_HEADER;

	private Magic magic = Magic.REQ;

	private PacketType type = PacketType.NOOP;

	private int payloadSize;

	/** How many bytes of the pending admin line have already been searched for its newline. */
	private int lineScanned;

	/** Bytes of the current packet's payload not received yet; 0 between packets. */
	private int missing;

	/** The large data blob being received in {@link State#READ_DATA}. */
	private @Nullable IncomingData incoming;

	private final ReceivedBytesCumulator cumulator = new ReceivedBytesCumulator();

	/** Shared by the server's connections: bytes of blob buffers allocated ahead of their arrival. */
	private final ReadAheadBudget readAhead;

	/** Whether no further packet is to be decoded until {@link #resume()}. */
	private boolean suspended;

	private @Nullable ChannelHandlerContext context;

	/**
	 * Creates a decoder.
	 * @param maxPacketSize the largest accepted payload size, at most 4 GiB - 1 (values above what one array can
	 * hold are clamped to {@link GearmanConstants#MAX_HEAP_PACKET_SIZE})
	 * @param adminText whether lines starting with a non-zero byte are admin commands (the server side); if not,
	 * such bytes are a protocol error
	 */
	public GearmanDecoder(long maxPacketSize, boolean adminText) {
		this(maxPacketSize, adminText, false);
	}

	/**
	 * Creates a decoder that hands large data blobs on in buffers.
	 * @param maxPacketSize the largest accepted payload size, at most 4 GiB - 1 (values above what one array can
	 * hold are clamped to {@link GearmanConstants#MAX_HEAP_PACKET_SIZE})
	 * @param adminText whether lines starting with a non-zero byte are admin commands (the server side); if not,
	 * such bytes are a protocol error
	 * @param bufferLargeData whether data blobs of {@value #BUFFERED_DATA_MIN} bytes or more are handed on in
	 * buffers rather than arrays
	 */
	public GearmanDecoder(long maxPacketSize, boolean adminText, boolean bufferLargeData) {
		this(maxPacketSize, adminText, bufferLargeData, ReadAheadBudget.ofOneRead());
	}

	/**
	 * Creates a decoder that hands large data blobs on in buffers, allocated ahead of their bytes only within a
	 * budget shared with other connections.
	 * @param maxPacketSize the largest accepted payload size, at most 4 GiB - 1 (values above what one array can
	 * hold are clamped to {@link GearmanConstants#MAX_HEAP_PACKET_SIZE})
	 * @param adminText whether lines starting with a non-zero byte are admin commands (the server side)
	 * @param bufferLargeData whether data blobs of {@value #BUFFERED_DATA_MIN} bytes or more are handed on in
	 * buffers rather than arrays
	 * @param readAhead how many bytes of blob buffers may be allocated before their bytes arrived, over all the
	 * connections sharing it
	 */
	public GearmanDecoder(long maxPacketSize, boolean adminText, boolean bufferLargeData, ReadAheadBudget readAhead) {
		if (maxPacketSize < 0 || maxPacketSize > GearmanConstants.MAX_WIRE_PACKET_SIZE) {
			throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: 0.."
					+ GearmanConstants.MAX_WIRE_PACKET_SIZE + ")");
		}
		this.maxPacketSize = Math.min(maxPacketSize, GearmanConstants.MAX_HEAP_PACKET_SIZE);
		this.adminText = adminText;
		this.bufferLargeData = bufferLargeData;
		this.readAhead = readAhead;
		setCumulator(this.cumulator);
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		switch (this.state) {
			case READ_HEADER:
				if (!in.isReadable() || this.suspended) {
					return;
				}
				if (in.getByte(in.readerIndex()) != 0) {
					decodeLine(in, out);
					return;
				}
				if (!decodeHeader(in)) {
					return;
				}
				this.state = State.READ_PAYLOAD;
				// fall through
			case READ_PAYLOAD:
				if (in.readableBytes() < this.payloadSize) {
					if (startData(ctx, in)) {
						return;
					}
					this.missing = this.payloadSize - in.readableBytes();
					// a large payload collects its reads as a chain: no copy each time the buffer would grow
					this.cumulator.collectLarge(this.missing >= LARGE_PAYLOAD);
					return;
				}
				this.missing = 0;
				out.add(decodePayload(ctx, in));
				this.cumulator.collectLarge(false);
				this.state = State.READ_HEADER;
				return;
			case READ_DATA:
				this.incoming.append(in);
				if (this.incoming.isComplete()) {
					out.add(finishData());
				}
				return;
			case BAD_MESSAGE:
				in.skipBytes(in.readableBytes());
				return;
			default:
				throw new IllegalStateException("Unknown state: " + this.state);
		}
	}

	/**
	 * A large blob, once the arguments before it are in, is received into a buffer of its own: the channel then
	 * reads into it directly ({@link #dataReadBuffer()}) and no read buffers collect in the cumulation.
	 */
	private boolean startData(ChannelHandlerContext ctx, ByteBuf in) {
		if (!this.bufferLargeData || !this.type.hasData() || this.payloadSize < BUFFERED_DATA_MIN) {
			return false;
		}
		// the buffer is allocated before the rest of the blob arrives, so it may cost at most twice what arrived;
		// earlier only within the shared read-ahead budget, so that a peer announcing large packets and stalling
		// does not get the server to reserve them
		this.incoming = IncomingData.start(ctx.alloc(), in, this.magic, this.type, this.payloadSize,
				BUFFERED_DATA_MIN, this.readAhead);
		if (this.incoming == null) {
			return false;
		}
		this.state = State.READ_DATA;
		return true;
	}

	private Packet finishData() {
		Packet packet = this.incoming.toPacket();
		this.incoming = null;
		this.state = State.READ_HEADER;
		// the arguments may have taken more than one read to arrive: the read buffers were being chained until then
		this.cumulator.collectLarge(false);
		return packet;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		IncomingData data = this.incoming;
		if (data != null && data.isReadBuffer(msg)) {
			// read straight into the blob: nothing to cumulate, nothing else can be in the cumulation now
			data.read((ByteBuf) msg);
			if (data.isComplete()) {
				ctx.fireChannelRead(finishData());
			}
			return;
		}
		super.channelRead(ctx, msg);
	}

	/**
	 * For the receive allocator: a buffer that reads the rest of the large blob being received straight into
	 * place, or {@code null} if none is being received.
	 * @return the buffer, to be read into and passed down the pipeline like any read buffer
	 */
	@Nullable ByteBuf dataReadBuffer() {
		return (this.state == State.READ_DATA) ? this.incoming.readBuffer() : null;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
		this.context = ctx;
		super.handlerAdded(ctx);
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) {
		releaseIncoming();
	}

	/**
	 * Stops decoding at the next packet boundary: what arrives stays buffered, undecoded. The caller stops the
	 * channel's reads as well (auto-read off); this decoder then does not ask for more data on its own. Call on the
	 * channel's event loop.
	 */
	public void suspend() {
		this.suspended = true;
	}

	/**
	 * Decodes again, starting with what arrived while suspended. Call on the channel's event loop, never from inside
	 * a read of this channel (decoded packets are passed on at once, which may suspend decoding again).
	 */
	public void resume() {
		if (!this.suspended) {
			return;
		}
		this.suspended = false;
		ChannelHandlerContext ctx = this.context;
		if (ctx != null && !ctx.isRemoved() && internalBuffer().isReadable()) {
			try {
				// an empty read: the decoder works through its cumulation as after any read
				channelRead(ctx, Unpooled.EMPTY_BUFFER);
				channelReadComplete(ctx);
			}
			catch (Exception ex) {
				ctx.fireExceptionCaught(ex);
			}
		}
	}

	/**
	 * Whether decoding is suspended.
	 * @return {@code true} between {@link #suspend()} and {@link #resume()}
	 */
	public boolean isSuspended() {
		return this.suspended;
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
		if (this.suspended) {
			// unlike a decoder waiting for the rest of a packet, a suspended one must not ask for another read
			ctx.fireChannelReadComplete();
			return;
		}
		super.channelReadComplete(ctx);
	}

	private void releaseIncoming() {
		if (this.incoming != null) {
			this.incoming.release();
			this.incoming = null;
		}
	}

	private void decodeLine(ByteBuf in, List<Object> out) {
		if (!this.adminText) {
			throw fail(in, "magic: first byte 0x" + Integer.toHexString(in.getByte(in.readerIndex()) & 0xff)
					+ " (expected: 0x00)");
		}
		int start = in.readerIndex();
		int searchEnd = start + Math.min(in.readableBytes(), GearmanConstants.MAX_ADMIN_LINE + 1);
		// resume where the last search stopped: a line trickling in byte by byte is scanned once, not n^2/2 times
		int eol = in.indexOf(start + this.lineScanned, searchEnd, (byte) '\n');
		if (eol < 0) {
			if (in.readableBytes() > GearmanConstants.MAX_ADMIN_LINE) {
				throw fail(in, "admin line: more than " + GearmanConstants.MAX_ADMIN_LINE + " bytes (expected: <= "
						+ GearmanConstants.MAX_ADMIN_LINE + ")");
			}
			this.lineScanned = searchEnd - start;
			return;
		}
		this.lineScanned = 0;
		int end = eol;
		if (end > in.readerIndex() && in.getByte(end - 1) == '\r') {
			end--;
		}
		String line = in.toString(in.readerIndex(), end - in.readerIndex(), StandardCharsets.ISO_8859_1);
		in.readerIndex(eol + 1);
		out.add(new AdminRequest(line));
	}

	private boolean decodeHeader(ByteBuf in) {
		if (in.readableBytes() < GearmanConstants.HEADER_SIZE) {
			return false;
		}
		int start = in.readerIndex();
		int magicCode = in.getInt(start);
		Magic magic = Magic.fromCode(magicCode);
		if (magic == null) {
			throw fail(in, "magic: 0x" + Integer.toHexString(magicCode) + " (expected: \\0REQ or \\0RES)");
		}
		long typeCode = in.getUnsignedInt(start + 4);
		PacketType type = PacketType.fromCode(typeCode);
		if (type == null) {
			throw fail(in, "type: " + typeCode + " (expected: 1..42)");
		}
		long size = in.getUnsignedInt(start + 8);
		if (size > this.maxPacketSize) {
			discardAll(in);
			throw new PacketTooLargeException(size, this.maxPacketSize);
		}
		in.skipBytes(GearmanConstants.HEADER_SIZE);
		this.magic = magic;
		this.type = type;
		this.payloadSize = (int) size;
		return true;
	}

	/**
	 * Reads NUL-terminated arguments, none of them reaching past {@code end}.
	 * @param pos where the first argument starts
	 * @param args where the arguments go, from index 0
	 * @param count how many to read
	 * @return the position after the last NUL, or {@code -n} if argument {@code n} (1-based) has no NUL before
	 * {@code end}
	 */
	static int readStringArgs(ByteBuf in, int pos, int end, String[] args, int count) {
		for (int i = 0; i < count; i++) {
			int nul = in.indexOf(pos, end, (byte) 0);
			if (nul < 0) {
				return -(i + 1);
			}
			args[i] = in.toString(pos, nul - pos, StandardCharsets.ISO_8859_1);
			pos = nul + 1;
		}
		return pos;
	}

	private Packet decodePayload(ChannelHandlerContext ctx, ByteBuf in) {
		int end = in.readerIndex() + this.payloadSize;
		int stringArgs = this.type.hasData() ? this.type.argc() : Math.max(0, this.type.argc() - 1);
		String[] args = new String[this.type.argc()];
		int pos = readStringArgs(in, in.readerIndex(), end, args, stringArgs);
		if (pos < 0) {
			throw fail(in, this.type + ": argument " + (-pos) + " of " + this.type.argc()
					+ " is not NUL-terminated within the " + this.payloadSize + "-byte payload");
		}
		byte[] data = EMPTY;
		if (this.type.hasData() && this.bufferLargeData && end - pos >= BUFFERED_DATA_MIN) {
			// the channel's pooled allocator: a payload may stay queued for a while, but its pool hands out large
			// buffers from chunks whose free parts stay usable, and new memory would be zeroed before use
			ByteBuf buffer = ctx.alloc().directBuffer(end - pos, end - pos);
			// read from the cumulation component by component: writeBytes(in, ...) would have a composite merge its
			// parts into a new heap buffer first
			in.getBytes(pos, buffer, 0, end - pos);
			buffer.writerIndex(end - pos);
			in.readerIndex(end);
			return Packet.decoded(this.magic, this.type, args, buffer);
		}
		if (this.type.hasData()) {
			data = new byte[end - pos];
			in.getBytes(pos, data);
		}
		else if (this.type.argc() > 0) {
			args[this.type.argc() - 1] = in.toString(pos, end - pos, StandardCharsets.ISO_8859_1);
		}
		else if (this.payloadSize > 0) {
			throw fail(in, this.type + ": payload " + this.payloadSize + " bytes (expected: 0)");
		}
		in.readerIndex(end);
		return Packet.decoded(this.magic, this.type, args, data);
	}

	/**
	 * How many bytes of the packet being received are still to come, so that the channel can read them in large
	 * pieces (see {@link PayloadSizedRecvByteBufAllocator}).
	 * @return the missing payload bytes, 0 between packets
	 */
	public int missingPayloadBytes() {
		if (this.state == State.READ_DATA) {
			return this.incoming.missing();
		}
		return (this.state == State.READ_PAYLOAD) ? this.missing : 0;
	}

	private GearmanCodecException fail(ByteBuf in, String message) {
		discardAll(in);
		return new GearmanCodecException(message);
	}

	/** After a failure nothing stays buffered: the stream cannot be resynchronised, so its bytes are useless. */
	private void discardAll(ByteBuf in) {
		releaseIncoming();
		this.state = State.BAD_MESSAGE;
		in.skipBytes(in.readableBytes());
	}

	private static final byte[] EMPTY = new byte[0];

	/** Payloads from this size on are collected without merging the read buffers. */
	private static final int LARGE_PAYLOAD = 256 * 1024;

}
