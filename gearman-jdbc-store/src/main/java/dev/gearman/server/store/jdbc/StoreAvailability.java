package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store's database takes writes, shared by all writers of one store: the first writer that sees the
 * database fail turns the whole store unavailable (one log line per outage, not one per writer), and whichever
 * writer probes it back first turns it available again. A commit that succeeds turns it available too, but only
 * if no failure was seen since that commit began: a writer whose transaction started before an outage must not
 * undo what another writer found out during it.
 */
final class StoreAvailability {

	private static final Logger logger = LoggerFactory.getLogger(StoreAvailability.class);

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final AtomicBoolean available = new AtomicBoolean(true);

	private volatile @Nullable String lastFailure;

	private final AtomicLong lastProbeNanos;

	/** Failures seen so far; a change tells a commit that the database failed while it ran. Written under the lock. */
	private volatile long failures;

	StoreAvailability(DataSource dataSource, JdbcJobStoreSettings settings) {
		this.dataSource = dataSource;
		this.settings = settings;
		// the first probe after an outage may go at once
		this.lastProbeNanos = new AtomicLong(System.nanoTime() - settings.getRetryInterval().toNanos());
	}

	boolean isAvailable() {
		return this.available.get();
	}

	@Nullable String lastFailure() {
		return this.lastFailure;
	}

	JobStoreUnavailableException unavailable() {
		return new JobStoreUnavailableException("the job store database is unavailable: " + this.lastFailure);
	}

	/**
	 * Checks an unavailable database, at most once per retry interval over all writers.
	 * @return whether the database is available (now or already)
	 */
	boolean probe() {
		if (isAvailable()) {
			return true;
		}
		long now = System.nanoTime();
		long last = this.lastProbeNanos.get();
		if (now - last < this.settings.getRetryInterval().toNanos() || !this.lastProbeNanos.compareAndSet(last, now)) {
			return false;
		}
		if (!reachable()) {
			return false;
		}
		markAvailable();
		return true;
	}

	/**
	 * Whether the database answers; a failure to answer turns the store unavailable.
	 * @return {@code true} if a connection could be validated
	 */
	boolean reachable() {
		try (Connection connection = this.dataSource.getConnection()) {
			return connection.isValid((int) Math.max(1, this.settings.getTimeout().toSeconds()));
		}
		catch (SQLException | RuntimeException ex) {
			markUnavailable(ex);
			return false;
		}
	}

	synchronized void markUnavailable(Exception ex) {
		this.lastFailure = ex.getMessage();
		this.failures++;
		if (this.available.compareAndSet(true, false)) {
			logger.warn("Job store database unavailable; background submissions get QUEUE_ERROR until it returns: {}",
					ex.getMessage());
		}
	}

	/**
	 * The failures seen so far, to pass to {@link #committed(long)} once a commit begun now has succeeded.
	 * @return a count that only grows
	 */
	long failures() {
		return this.failures;
	}

	/**
	 * A commit succeeded: the store is available again unless a failure was seen since the commit began.
	 * @param failuresAtStart {@link #failures()} when the commit began
	 */
	void committed(long failuresAtStart) {
		if (isAvailable()) {
			return;
		}
		synchronized (this) {
			if (this.failures == failuresAtStart) {
				markAvailable();
			}
		}
	}

	private synchronized void markAvailable() {
		if (this.available.compareAndSet(false, true)) {
			logger.info("Job store database is available again");
		}
	}

}
