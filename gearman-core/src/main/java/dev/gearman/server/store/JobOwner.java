package dev.gearman.server.store;

import java.util.List;

/**
 * The server whose background jobs a store keeps, as a store shared by several servers sees it (see
 * {@link JobStore#join}). Such a store owns each stored job on behalf of one server: the server that accepted it, or
 * the one that took it over when that server stopped. It tells the server which jobs it took over, until when its
 * ownership is proven, and when it lost it. Every method is thread-safe and returns at once; the server acts on it
 * in the order of the calls.
 */
public interface JobOwner {

	/**
	 * Hands the server jobs it took over from a server that stopped, or that another server released. They are
	 * queued (or scheduled, or wait for their next attempt) in the order given, keep their handles, and run like
	 * the server's own; their rows now belong to this server.
	 * @param jobs the jobs, in sequence order
	 */
	void adopt(List<StoredJob> jobs);

	/**
	 * Proves the server's ownership of its stored jobs up to a time of {@link #nanoTime()}: the store's last
	 * heartbeat, plus the lease after which other servers may take the jobs over, less a safety margin. After that
	 * time the server hands out none of its stored jobs until a later call proves ownership again; jobs that are not
	 * stored are not held back. Until the first call ownership needs no proof.
	 * @param nanoTime the end of the proven ownership
	 */
	void ownedUntil(long nanoTime);

	/**
	 * The server's stored jobs belong to other servers now (its lease ran out and they were, or will be, taken
	 * over): it forgets them without deleting their rows. A job that runs finishes on its worker, and its result
	 * goes to nobody; a foreground client waiting for one keeps waiting for it here.
	 */
	void handOver();

	/**
	 * The server's monotonic clock, which {@link #ownedUntil} is measured by.
	 * @return nanoseconds from an arbitrary origin
	 */
	long nanoTime();

	/**
	 * How many jobs the server holds with a stored row, for the other servers to see.
	 * @return the number of stored jobs
	 */
	int storedJobs();

}
