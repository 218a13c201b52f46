package dev.gearman.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unread replies of all connections together, against a server-wide limit. Each connection is bounded by its own
 * budget and hard limit ({@link ChannelTransport}), but many slow peers at once could still hold many budgets' worth;
 * past this limit the connections with the largest backlogs are closed until the total is back to three quarters of
 * it. Peers that read their replies hold next to nothing and are never chosen. A data blob that several connections'
 * replies share counts once, split among them. Thread-safe.
 */
final class ReplyMemory {

	private static final Logger logger = LoggerFactory.getLogger(ReplyMemory.class);

	/** A connection with no more than this unread is keeping up, and never closed for the total. */
	static final long KEEPING_UP = 64 * 1024;

	private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final long limit;

	private final AtomicLong used = new AtomicLong();

	private final Set<ChannelTransport> transports = ConcurrentHashMap.newKeySet();

	private final AtomicLong nextSweep = new AtomicLong(System.nanoTime());

	private final RateLimitedLog warnings = new RateLimitedLog(logger, 10, TimeUnit.SECONDS);

	ReplyMemory(long limit) {
		this.limit = limit;
	}

	void register(ChannelTransport transport) {
		this.transports.add(transport);
	}

	void unregister(ChannelTransport transport) {
		this.transports.remove(transport);
	}

	void add(long bytes) {
		this.used.addAndGet(bytes);
	}

	void remove(long bytes) {
		this.used.addAndGet(-bytes);
	}

	long used() {
		return this.used.get();
	}

	long limit() {
		return this.limit;
	}

	/**
	 * Called after writes: over the limit, closes the most backlogged connections. Closes take effect on their own
	 * event loops: what connections being closed still hold counts as freed already, so the next write does not
	 * close more than needed meanwhile; and a sweep, which looks at every connection, runs at most every 10 ms.
	 */
	void relieve() {
		long total = this.used.get();
		if (total <= this.limit) {
			return;
		}
		long now = System.nanoTime();
		long next = this.nextSweep.get();
		if (now - next < 0 || !this.nextSweep.compareAndSet(next, now + SWEEP_INTERVAL_NANOS)) {
			return;
		}
		List<ChannelTransport> backlogged = new ArrayList<>();
		long freed = 0;
		for (ChannelTransport transport : this.transports) {
			if (transport.isClosing()) {
				freed += transport.ownReplyBytes();
			}
			else if (transport.ownReplyBytes() > KEEPING_UP) {
				backlogged.add(transport);
			}
		}
		backlogged.sort(Comparator.comparingLong(ChannelTransport::ownReplyBytes).reversed());
		long excess = total - this.limit / 4 * 3;
		int closed = 0;
		for (ChannelTransport transport : backlogged) {
			if (freed >= excess) {
				break;
			}
			freed += transport.ownReplyBytes();
			transport.closeForReplyMemory();
			closed++;
		}
		if (closed > 0) {
			ChannelTransport largest = backlogged.get(0);
			// once per sweep, and not more than once per 10 s: many slow peers are one event
			this.warnings.warn("Unread replies of all connections over the limit ({} bytes, limit {}): closed {}"
					+ " connections with the largest backlogs, the largest from {}", total, this.limit, closed,
					largest.remoteHost());
		}
	}

}
