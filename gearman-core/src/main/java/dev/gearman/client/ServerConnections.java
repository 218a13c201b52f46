package dev.gearman.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import dev.gearman.connection.ServerAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's connections to one job server: the current one, which takes every new request, and those retired
 * because a foreground job on them was abandoned (its call timed out or was cancelled).
 * <p>
 * Gearman has no request that withdraws a client's interest in one job; a job server learns that nobody waits for
 * a job when the connection that submitted it closes. Both gearmand and our server then drop the job if it is still
 * queued, so it never runs for nobody (one already running runs to its end and its result is discarded). Closing the
 * connection at once would fail every other call on it, so a retired connection takes nothing new and closes as soon
 * as the calls still waiting on it have ended, which their own timeouts bound; meanwhile a new current connection
 * serves new requests.
 * <p>
 * At most {@value GearmanClient#MAX_RETIRING_CONNECTIONS} connections per server are retiring at once, so that a
 * stream of timeouts cannot pile up connections: beyond that the current connection is retired as soon as one of
 * them has closed.
 */
final class ServerConnections {

	private static final Logger logger = LoggerFactory.getLogger(ServerConnections.class);

	private final int index;

	private final ServerAddress address;

	private final Function<ServerConnections, ClientConnection> factory;

	/** Guarded by this. */
	private ClientConnection current;

	/** Guarded by this. */
	private final Set<ClientConnection> retiring = new HashSet<>();

	/** A job on the current connection was abandoned while the most connections allowed were retiring. */
	private boolean retirePending;

	private boolean closed;

	private volatile boolean optionRefusalLogged;

	/**
	 * @param index the server's place in the client's list
	 * @param address the server
	 * @param factory makes a connection owned by this
	 */
	ServerConnections(int index, ServerAddress address, Function<ServerConnections, ClientConnection> factory) {
		this.index = index;
		this.address = address;
		this.factory = factory;
		this.current = factory.apply(this);
	}

	int index() {
		return this.index;
	}

	ServerAddress address() {
		return this.address;
	}

	/** The connection new requests go to. */
	synchronized ClientConnection current() {
		return this.current;
	}

	/**
	 * A foreground job on the connection was abandoned: retire the connection, so that the server drops the job.
	 * @param connection the connection the job was submitted on
	 */
	synchronized void abandoned(ClientConnection connection) {
		if (this.closed || connection != this.current) {
			// retiring already: it closes once idle
			return;
		}
		if (this.retiring.size() >= GearmanClient.MAX_RETIRING_CONNECTIONS) {
			this.retirePending = true;
			return;
		}
		retireCurrent();
	}

	/**
	 * A retired connection has closed (or was lost).
	 * @param connection the connection
	 */
	synchronized void retired(ClientConnection connection) {
		if (this.retiring.remove(connection) && this.retirePending && !this.closed) {
			this.retirePending = false;
			retireCurrent();
		}
	}

	private void retireCurrent() {
		ClientConnection old = this.current;
		this.current = this.factory.apply(this);
		this.retiring.add(old);
		logger.debug("Retiring the connection to {}: a job on it was abandoned ({} retiring)", this.address,
				this.retiring.size());
		old.retire();
	}

	/**
	 * The server answered OPTION_REQ {@code fail-if-no-worker} with an error: it does not offer it (gearmand).
	 * @param failure the error
	 */
	void failIfNoWorkerRefused(Throwable failure) {
		if (!this.optionRefusalLogged) {
			this.optionRefusalLogged = true;
			logger.info("Job server {} does not offer fail-if-no-worker ({}): calls of functions without a worker"
					+ " wait for their timeout there", this.address, failure.getMessage());
		}
	}

	/**
	 * Closes every connection to the server.
	 * @param timeout how long to wait for each
	 */
	void close(Duration timeout) {
		List<ClientConnection> all;
		synchronized (this) {
			this.closed = true;
			all = new ArrayList<>(this.retiring);
			all.add(this.current);
		}
		for (ClientConnection connection : all) {
			connection.close(timeout);
		}
	}

}
