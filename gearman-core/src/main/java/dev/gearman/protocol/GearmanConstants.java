package dev.gearman.protocol;

/**
 * Sizes and limits of the wire protocol.
 */
public final class GearmanConstants {

	/** Size of the binary packet header: magic, type and payload size, four bytes each. */
	public static final int HEADER_SIZE = 12;

	/** The IANA-registered Gearman port. */
	public static final int DEFAULT_PORT = 4730;

	/** Default upper bound of a packet's payload: 64 MiB. */
	public static final long DEFAULT_MAX_PACKET_SIZE = 64L * 1024 * 1024;

	/** The largest payload size the header can express: 4 GiB - 1. */
	public static final long MAX_WIRE_PACKET_SIZE = 0xFFFF_FFFFL;

	/**
	 * The largest payload a JVM can hold in one array. A configured maximum above this is clamped to it, since
	 * a packet is materialised in memory before it is handled.
	 */
	public static final long MAX_HEAP_PACKET_SIZE = Integer.MAX_VALUE - 64;

	/** Longest admin text line accepted, as in gearmand. */
	public static final int MAX_ADMIN_LINE = 8192;

	/** Longest unique id accepted (gearmand's {@code GEARMAN_MAX_UNIQUE_SIZE}). */
	public static final int MAX_UNIQUE_SIZE = 64;

	/** Longest job handle a peer may refer to. */
	public static final int MAX_HANDLE_SIZE = 64;

	private GearmanConstants() {
	}

}
