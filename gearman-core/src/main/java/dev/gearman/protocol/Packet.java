package dev.gearman.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One binary Gearman packet: magic, type, string arguments and an optional data blob.
 * <p>
 * Arguments are byte strings on the wire. They are held as ISO-8859-1 strings, which maps every byte to one
 * {@code char} and back, so a function name, unique id or handle in any encoding round-trips byte for byte and
 * can be used as a map key. Use {@link #argBytes(int)} or {@link #utf8(String)} where text is meant.
 * <p>
 * Instances are immutable by convention: the data array is shared, not copied, and must not be modified after
 * the packet is built.
 */
public final class Packet {

	private static final byte[] EMPTY = new byte[0];

	private static final String[] NO_ARGS = new String[0];

	private final Magic magic;

	private final PacketType type;

	private final String[] args;

	private final byte[] data;

	private Packet(Magic magic, PacketType type, String[] args, byte[] data) {
		this.magic = magic;
		this.type = type;
		this.args = args;
		this.data = data;
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

	static Packet decoded(Magic magic, PacketType type, String[] args, byte[] data) {
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
	 * The data blob, shared with this packet: do not modify it.
	 * @return the data, empty for types without data
	 */
	public byte[] data() {
		return this.data;
	}

	/**
	 * The payload size this packet has on the wire.
	 * @return the number of bytes after the 12-byte header
	 */
	public long payloadSize() {
		long size = this.data.length;
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
			sb.append(" data[").append(this.data.length).append(']');
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
				&& Arrays.equals(this.data, that.data);
	}

	@Override
	public int hashCode() {
		return 31 * (31 * this.type.hashCode() + Arrays.hashCode(this.args)) + Arrays.hashCode(this.data);
	}

}
