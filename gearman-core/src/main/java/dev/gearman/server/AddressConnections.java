package dev.gearman.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.netty.channel.socket.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open connections per IP address, against a limit, so that one peer cannot take every connection the server has:
 * a connection over the limit is refused, and each address is reported once per burst of refusals (from its first
 * refused connection until it has no connection left). Thread-safe: connections open and close on any I/O thread.
 */
final class AddressConnections {

	private static final Logger logger = LoggerFactory.getLogger(AddressConnections.class);

	/** One WARN per address and burst, and not more than one per 10 s whatever the number of addresses. */
	private final RateLimitedLog refusals = new RateLimitedLog(logger, 10, TimeUnit.SECONDS);

	private final int limit;

	private final ConcurrentHashMap<InetAddress, Count> open = new ConcurrentHashMap<>();

	/**
	 * @param limit most connections per address; 0 = unlimited (nothing is counted)
	 */
	AddressConnections(int limit) {
		this.limit = limit;
	}

	/**
	 * Counts a new connection, or refuses it (closes it, and logs) if its address has as many as the limit already.
	 * @param channel the accepted connection
	 * @return whether it was refused
	 */
	boolean refused(SocketChannel channel) {
		InetSocketAddress remote = channel.remoteAddress();
		if (remote == null || remote.getAddress() == null) {
			return false;
		}
		InetAddress address = remote.getAddress();
		switch (open(address)) {
			case ACCEPTED -> {
				channel.closeFuture().addListener((future) -> closed(address));
				return false;
			}
			case REFUSED_FIRST -> this.refusals.warn("Refusing connections from {}: it has {} open, the limit per"
					+ " address", address.getHostAddress(), this.limit);
			default -> logger.debug("Refusing connection from {}: per-address limit {}", address.getHostAddress(),
					this.limit);
		}
		channel.close();
		return true;
	}

	/** What {@link #open} decided. */
	enum Admission {

		/** Counted; {@link #closed} must follow. */
		ACCEPTED,

		/** Over the limit, the first refusal of this address's burst: worth a warning. */
		REFUSED_FIRST,

		/** Over the limit again. */
		REFUSED

	}

	Admission open(InetAddress address) {
		if (this.limit <= 0) {
			return Admission.ACCEPTED;
		}
		Admission[] result = new Admission[1];
		this.open.compute(address, (key, count) -> {
			Count current = (count != null) ? count : new Count();
			if (current.connections >= this.limit) {
				result[0] = current.reported ? Admission.REFUSED : Admission.REFUSED_FIRST;
				current.reported = true;
			}
			else {
				current.connections++;
				result[0] = Admission.ACCEPTED;
			}
			return current;
		});
		return result[0];
	}

	/** An accepted connection from the address has closed. */
	void closed(InetAddress address) {
		if (this.limit > 0) {
			this.open.computeIfPresent(address, (key, count) -> (--count.connections <= 0) ? null : count);
		}
	}

	/** Guarded by the map's per-key locking. */
	private static final class Count {

		int connections;

		boolean reported;

	}

}
