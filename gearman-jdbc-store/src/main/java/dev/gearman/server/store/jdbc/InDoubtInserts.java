package dev.gearman.server.store.jdbc;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.gearman.server.store.jdbc.QueueTransaction.OutcomeUnknownException;
import dev.gearman.server.store.jdbc.StoreOperation.Delete;
import dev.gearman.server.store.jdbc.StoreOperation.Insert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts whose commit's answer was lost (the connection dropped during COMMIT, or the network timeout expired), so
 * that their transaction may have committed all the same. Their clients got a failure, so their rows, exactly those
 * (function, unique key and sequence), must go: the {@link GroupCommitWriter} commits nothing else before they are
 * deleted, which is tried at most once per retry interval, and on PostgreSQL not before the server has decided
 * that transaction's outcome. Owns those rows and transaction ids; writer thread only.
 */
final class InDoubtInserts {

	private static final Logger logger = LoggerFactory.getLogger(InDoubtInserts.class);

	private final JdbcJobStoreSettings settings;

	private final StoreAvailability availability;

	private final BatchCommitter committer;

	/** The rows to delete before anything else is committed. */
	private final List<Delete> rows = new ArrayList<>();

	/** PostgreSQL's ids of those transactions, to wait until the server has decided their outcome. */
	private final List<Long> transactions = new ArrayList<>();

	private long lastResolveNanos;

	InDoubtInserts(JdbcJobStoreSettings settings, StoreAvailability availability, BatchCommitter committer) {
		this.settings = settings;
		this.availability = availability;
		this.committer = committer;
	}

	boolean isEmpty() {
		return this.rows.isEmpty();
	}

	int size() {
		return this.rows.size();
	}

	/**
	 * The commit of these inserts failed, so they may be stored all the same: the rows of those not answered yet
	 * are deleted before this writer commits anything else (failing the inserts is the caller's part).
	 * @param sharesRows whether other servers share the database, so a row is deleted only if this one owns it
	 */
	void add(List<Insert> inserts, OutcomeUnknownException ex, boolean sharesRows) {
		for (Insert insert : inserts) {
			if (!insert.isDone()) {
				this.rows.add(insert.row(sharesRows));
			}
		}
		if (ex.transactionId() != null) {
			this.transactions.add(ex.transactionId());
		}
		// the first attempt may go as soon as the database answers
		this.lastResolveNanos = System.nanoTime() - this.settings.getRetryInterval().toNanos();
		logger.debug("The answer to a commit of {} jobs was lost; their rows are deleted once the database answers",
				this.rows.size(), ex);
	}

	/** How long the writer may wait for work before the next attempt to delete the rows. */
	long nanosUntilRetry() {
		return Math.max(0, this.lastResolveNanos + this.settings.getRetryInterval().toNanos() - System.nanoTime());
	}

	/**
	 * Deletes the rows, at most once per retry interval.
	 * @return whether no such row is left, so the writer may commit
	 */
	boolean resolve() {
		if (this.rows.isEmpty()) {
			return true;
		}
		long now = System.nanoTime();
		if (now - this.lastResolveNanos < this.settings.getRetryInterval().toNanos()) {
			return false;
		}
		this.lastResolveNanos = now;
		try {
			if (!this.transactions.isEmpty() && this.committer.stillRunning(this.transactions)) {
				// not a database failure: this writer's keys wait, the rest of the store goes on
				logger.debug("A commit whose answer was lost is still undecided on the database");
				return false;
			}
			this.committer.commit(List.copyOf(this.rows), List.of(), false);
		}
		catch (SQLException | RuntimeException ex) {
			this.availability.markUnavailable(ex);
			return false;
		}
		logger.info("Deleted the rows of {} jobs whose commit's answer was lost (their clients got QUEUE_ERROR)",
				this.rows.size());
		this.rows.clear();
		this.transactions.clear();
		return true;
	}

	/** A last attempt when the writer stops, whenever the one before was. */
	void resolveNow() {
		this.lastResolveNanos = System.nanoTime() - this.settings.getRetryInterval().toNanos();
		resolve();
	}

	/** The failure of inserts that wait because the rows could not be deleted yet, though the database answers. */
	JobStoreUnavailableException unresolved() {
		return new JobStoreUnavailableException("the outcome of an earlier commit is still undecided on the database");
	}

}
