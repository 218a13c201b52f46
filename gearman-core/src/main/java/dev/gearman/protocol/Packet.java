package dev.gearman.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.ReferenceCounted;
import org.jspecify.annotations.Nullable;

/**
 * One binary Gearman packet: magic, type, string arguments and an optional data blob.
 * <p>
 * Arguments are byte strings on the wire. They are held as ISO-8859-1 strings, which maps every byte to one
 * {@code char} and back, so a function name, unique id or handle in any encoding round-trips byte for byte and
 * can be used as a map key. Use {@link #argBytes(int)} or {@link #utf8(String)} where text is meant.
 * <p>
 * Instances are immutable by convention: the data array is shared, not copied, and must not be modified after
 * the packet is built.
 * <p>
 * On the server a large data blob may instead be held in a {@link ByteBuf} ({@link #dataBuffer()}), so that it
 * travels from the socket it arrived on to the socket it leaves by without being copied into and out of the Java
 * heap. Such a packet is reference counted through its buffer: whoever holds it owns one reference, writing it to
 * a channel hands that reference to the encoder, and anyone else releases it when done. A packet with a
 * {@code byte[]} blob is not reference counted: {@link #retain()} and {@link #release()} do nothing.
 */
public final class Packet implements ReferenceCounted {

	private static final byte[] EMPTY = new byte[0];

	private static final String[] NO_ARGS = new String[0];

	private final Magic magic;

	private final PacketType type;

	private final String[] args;

	private final byte[] data;

	/** The data blob when it is held off-heap; then {@link #data} is empty. */
	private final @Nullable ByteBuf dataBuffer;

	private Packet(Magic magic, PacketType type, String[] args, byte[] data) {
		this.magic = magic;
		this.type = type;
		this.args = args;
		this.data = data;
		this.dataBuffer = null;
	}

	private Packet(Magic magic, PacketType type, String[] args, ByteBuf dataBuffer) {
		this.magic = magic;
		this.type = type;
		this.args = args;
		this.data = EMPTY;
		this.dataBuffer = dataBuffer;
	}

	/**
	 * Creates a packet, checking the argument count against the type's layout.
	 * @param magic request or response
	 * @param type the packet type
	 * @param args exactly {@code type.argc()} arguments
	 * @param data the data blob; must be empty for types without data
	 * @return the packet
	 */
	public static Packet of(Magic magic, PacketType type, String[] args, byte[] data) {
		if (args.length != type.argc()) {
			throw new IllegalArgumentException(
					"args: " + args.length + " for " + type + " (expected: " + type.argc() + ")");
		}
		if (!type.hasData() && data.length > 0) {
			throw new IllegalArgumentException("data: " + data.length + " bytes for " + type + " (expected: none)");
		}
		return new Packet(magic, type, args, data);
	}

	/**
	 * Creates a request packet without data.
	 * @param type the packet type
	 * @param args its arguments
	 * @return the packet
	 */
	public static Packet request(PacketType type, String... args) {
		return of(Magic.REQ, type, args, EMPTY);
	}

	/**
	 * Creates a request packet with a data blob.
	 * @param type the packet type
	 * @param data the data blob
	 * @param args its string arguments
	 * @return the packet
	 */
	public static Packet requestWithData(PacketType type, byte[] data, String... args) {
		return of(Magic.REQ, type, args, data);
	}

	/**
	 * Creates a response packet without data.
	 * @param type the packet type
	 * @param args its arguments
	 * @return the packet
	 */
	public static Packet response(PacketType type, String... args) {
		return of(Magic.RES, type, args, EMPTY);
	}

	/**
	 * Creates a response packet with a data blob.
	 * @param type the packet type
	 * @param data the data blob
	 * @param args its string arguments
	 * @return the packet
	 */
	public static Packet responseWithData(PacketType type, byte[] data, String... args) {
		return of(Magic.RES, type, args, data);
	}

	/**
	 * Creates an ERROR response.
	 * @param code the error code, such as {@code QUEUE_ERROR}
	 * @param text the human-readable text
	 * @return the packet
	 */
	public static Packet error(String code, String text) {
		return response(PacketType.ERROR, code, text);
	}

	/**
	 * Creates a response packet whose data blob is held in a buffer; the packet takes over one reference to it.
	 * @param type a packet type with data
	 * @param data the data blob, from its reader index to its writer index
	 * @param args its string arguments
	 * @return the packet
	 */
	public static Packet responseWithData(PacketType type, ByteBuf data, String... args) {
		return withBuffer(Magic.RES, type, data, args);
	}

	/**
	 * Creates a request packet whose data blob is held in a buffer, as the server's decoder makes for large payloads;
	 * the packet takes over one reference to it.
	 * @param type a packet type with data
	 * @param data the data blob, from its reader index to its writer index
	 * @param args its string arguments
	 * @return the packet
	 */
	public static Packet requestWithData(PacketType type, ByteBuf data, String... args) {
		return withBuffer(Magic.REQ, type, data, args);
	}

	private static Packet withBuffer(Magic magic, PacketType type, ByteBuf data, String... args) {
		if (args.length != type.argc() || !type.hasData()) {
			data.release();
			throw new IllegalArgumentException("args: " + args.length + " for " + type + " (expected: " + type.argc()
					+ " and a type with data)");
		}
		return new Packet(magic, type, args, data);
	}

	/**
	 * Creates a response packet that carries the same data blob as another packet, without copying it: an array
	 * is shared, a buffer gets one more reference, which the new packet owns.
	 * @param type a packet type with data
	 * @param source the packet whose data is passed on
	 * @param args the new packet's string arguments
	 * @return the packet
	 */
	public static Packet responseWithDataOf(PacketType type, Packet source, String... args) {
		ByteBuf buffer = source.dataBuffer;
		return (buffer != null) ? responseWithData(type, buffer.retain(), args)
				: responseWithData(type, source.data, args);
	}

	/**
	 * This packet with its data blob in a direct buffer, to be written to several connections: each write then passes
	 * the same bytes on as they are, where an array would be copied once per connection. A packet that holds its
	 * data in a buffer already is returned as it is; otherwise this packet is not needed any more by the caller.
	 * @param alloc where the buffer comes from
	 * @return a packet owning one reference to its buffer
	 */
	public Packet withDataInBuffer(ByteBufAllocator alloc) {
		if (this.dataBuffer != null || !this.type.hasData()) {
			return this;
		}
		ByteBuf buffer = alloc.directBuffer(this.data.length, this.data.length);
		buffer.writeBytes(this.data);
		return new Packet(this.magic, this.type, this.args, buffer);
	}

	static Packet decoded(Magic magic, PacketType type, String[] args, byte[] data) {
		return new Packet(magic, type, (args.length == 0) ? NO_ARGS : args, data);
	}

	static Packet decoded(Magic magic, PacketType type, String[] args, ByteBuf data) {
		return new Packet(magic, type, (args.length == 0) ? NO_ARGS : args, data);
	}

	public Magic magic() {
		return this.magic;
	}

	public PacketType type() {
		return this.type;
	}

	/**
	 * The argument at an index, as an ISO-8859-1 string that holds the raw bytes.
	 * @param index the index, from 0
	 * @return the argument
	 */
	public String arg(int index) {
		return this.args[index];
	}

	/**
	 * The raw bytes of an argument.
	 * @param index the index, from 0
	 * @return a new array with the argument's bytes
	 */
	public byte[] argBytes(int index) {
		return this.args[index].getBytes(StandardCharsets.ISO_8859_1);
	}

	public int argCount() {
		return this.args.length;
	}

	/**
	 * The data blob, shared with this packet: do not modify it. If the packet holds its data in a buffer, this is
	 * a copy of the buffer's bytes, made on every call; use {@link #dataBuffer()} to avoid it.
	 * @return the data, empty for types without data
	 */
	public byte[] data() {
		ByteBuf buffer = this.dataBuffer;
		return (buffer != null) ? ByteBufUtil.getBytes(buffer) : this.data;
	}

	/**
	 * The data blob if this packet holds it in a buffer. The buffer stays owned by the packet: do not change its
	 * indexes; {@link ByteBuf#retainedDuplicate()} gives an independent view.
	 * @return the buffer, or {@code null} if the data is an array ({@link #data()})
	 */
	public @Nullable ByteBuf dataBuffer() {
		return this.dataBuffer;
	}

	/**
	 * The size of the data blob, without copying a buffer.
	 * @return the number of data bytes
	 */
	public int dataLength() {
		ByteBuf buffer = this.dataBuffer;
		return (buffer != null) ? buffer.readableBytes() : this.data.length;
	}

	/**
	 * The payload size this packet has on the wire.
	 * @return the number of bytes after the 12-byte header
	 */
	public long payloadSize() {
		long size = dataLength();
		for (String arg : this.args) {
			size += arg.length();
		}
		int separators = this.type.hasData() ? this.args.length : Math.max(0, this.args.length - 1);
		return size + separators;
	}

	/**
	 * Turns UTF-8 text into the byte-string form arguments are held in.
	 * @param text the text
	 * @return an ISO-8859-1 string holding the UTF-8 bytes
	 */
	public static String utf8(String text) {
		return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
	}

	/**
	 * Turns an argument held as a byte string back into UTF-8 text.
	 * @param arg an argument as returned by {@link #arg(int)}
	 * @return the text the bytes encode in UTF-8
	 */
	public static String fromUtf8(String arg) {
		return new String(arg.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		StringBuilder sb = new StringBuilder().append(this.magic).append(' ').append(this.type);
		for (String arg : this.args) {
			sb.append(" '").append((arg.length() > 64) ? arg.substring(0, 64) + "…" : arg).append('\'');
		}
		if (this.type.hasData()) {
			sb.append(" data[").append(dataLength()).append(']');
		}
		return sb.toString();
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		if (!(other instanceof Packet that)) {
			return false;
		}
		return this.magic == that.magic && this.type == that.type && Arrays.equals(this.args, that.args)
				&& Arrays.equals(data(), that.data());
	}

	@Override
	public int hashCode() {
		return 31 * (31 * this.type.hashCode() + Arrays.hashCode(this.args)) + Arrays.hashCode(data());
	}

	@Override
	public int refCnt() {
		ByteBuf buffer = this.dataBuffer;
		return (buffer != null) ? buffer.refCnt() : 1;
	}

	@Override
	public Packet retain() {
		if (this.dataBuffer != null) {
			this.dataBuffer.retain();
		}
		return this;
	}

	@Override
	public Packet retain(int increment) {
		if (this.dataBuffer != null) {
			this.dataBuffer.retain(increment);
		}
		return this;
	}

	@Override
	public Packet touch() {
		if (this.dataBuffer != null) {
			this.dataBuffer.touch();
		}
		return this;
	}

	@Override
	public Packet touch(Object hint) {
		if (this.dataBuffer != null) {
			this.dataBuffer.touch(hint);
		}
		return this;
	}

	@Override
	public boolean release() {
		return this.dataBuffer != null && this.dataBuffer.release();
	}

	@Override
	public boolean release(int decrement) {
		return this.dataBuffer != null && this.dataBuffer.release(decrement);
	}

}
