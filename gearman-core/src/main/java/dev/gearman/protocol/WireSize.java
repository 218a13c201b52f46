package dev.gearman.protocol;

/**
 * What a message costs a connection's buffers: its bytes on the wire plus a fixed allowance for the objects that
 * carry it (the packet, its place in a queue, the buffer that holds it encoded), so that a flood of tiny messages is
 * not taken for free. The server bounds the commands it has read but not run, and the replies it has written but
 * the peer has not read, by these sizes.
 */
public final class WireSize {

	/** What one message costs beyond its bytes. */
	public static final int OVERHEAD = 64;

	private WireSize() {
	}

	/**
	 * The cost of a message.
	 * @param message a {@link Packet}, {@link AdminRequest} or {@link AdminReply}; anything else costs the overhead
	 * @return bytes
	 */
	public static long of(Object message) {
		if (message instanceof Packet packet) {
			return GearmanConstants.HEADER_SIZE + packet.payloadSize() + OVERHEAD;
		}
		if (message instanceof AdminReply reply) {
			return reply.text().length() + OVERHEAD;
		}
		if (message instanceof AdminRequest request) {
			return request.line().length() + 1 + OVERHEAD;
		}
		return OVERHEAD;
	}

	/**
	 * The cost of a packet to one of the connections it is sent to when its data blob is shared by several: the
	 * blob counts by share, so that what all of them hold together is what the memory holds.
	 * @param packet the packet
	 * @param sharers how many connections it goes to
	 * @return bytes
	 */
	public static long share(Packet packet, int sharers) {
		long data = packet.dataLength();
		long whole = of(packet);
		return (sharers <= 1) ? whole : whole - data + (data + sharers - 1) / sharers;
	}

}
