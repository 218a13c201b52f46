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
	 * @param bytes what the messages cost, as {@link dev.gearman.protocol.WireSize} counts
	 * @param ownBytes the part of {@code bytes} that is this connection's alone: a data blob shared with replies to
	 * other connections counts by share
	 */
	void write(List<Object> messages, long bytes, long ownBytes);

	/**
	 * Bytes of replies written and not yet taken by the peer, as {@link #write} counted them. Any thread.
	 * @return the bytes
	 */
	default long pendingBytes() {
		return 0;
	}

	/**
	 * Bytes of replies written and not yet taken by their peers, over all connections of the server; a connection's
	 * share of a blob other replies share counts by share. Any thread.
	 * @return the bytes
	 */
	default long unreadBytesOfAllConnections() {
		return pendingBytes();
	}

	/**
	 * Asks to be told, once, when the peer has read enough of its replies for the engine to run the commands it held
	 * back (see {@link Session}). The callback may run at once, on the calling thread, or later on any thread.
	 * @param level the {@link #pendingBytes()} at or below which to tell
	 * @param callback what to run
	 */
	default void whenDrained(long level, Runnable callback) {
		callback.run();
	}

	/**
	 * Closes the connection, after the messages already written.
	 */
	void close();

	/**
	 * Called on the engine thread after each command of this connection has been handled (or dropped), so the
	 * network layer can bound what a connection has queued: it stops reading above a limit.
	 * @param bytes the command's cost, as {@link dev.gearman.protocol.WireSize} counts it
	 */
	default void commandDone(long bytes) {
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
