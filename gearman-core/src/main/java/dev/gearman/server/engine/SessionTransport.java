package dev.gearman.server.engine;

import java.util.List;

/**
 * How a session's replies reach its peer. The network layer implements it over a Netty channel; engine tests
 * implement it over a queue.
 */
public interface SessionTransport {

	/**
	 * Writes and flushes messages, in order. Called on the engine thread; must not block.
	 * @param messages {@link dev.gearman.protocol.Packet}s and {@link dev.gearman.protocol.AdminReply}s
	 */
	void write(List<Object> messages);

	/**
	 * Closes the connection, after the messages already written.
	 */
	void close();

	/**
	 * Called on the engine thread after each command of this connection has been handled, so the network layer
	 * can bound how many commands a connection has queued (it stops reading above a limit).
	 */
	default void commandDone() {
	}

	/**
	 * Who the peer is, for the {@link dev.gearman.server.access.AccessPolicy}: its client-certificate subject once a
	 * TLS handshake with a client certificate completed, else {@code anonymous}.
	 * @return the identity
	 */
	default String identity() {
		return dev.gearman.server.access.AccessPolicy.ANONYMOUS;
	}

	/**
	 * The peer's address as {@code workers} shows it.
	 * @return the IP address
	 */
	String remoteHost();

}
