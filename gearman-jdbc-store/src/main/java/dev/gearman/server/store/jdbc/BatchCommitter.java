package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.OwnedElsewhereException;
import dev.gearman.server.store.jdbc.QueueTransaction.OutcomeUnknownException;
import dev.gearman.server.store.jdbc.StoreOperation.Insert;
import dev.gearman.server.store.jdbc.StoreOperation.RowWrite;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link GroupCommitWriter}'s transactions, each on a connection of its own, and the queries it makes
 * beside them (an insert refused in its batch is committed alone, or joins the job stored under its key); reports
 * each transaction to the store's listener and to the store's availability. Owns the record
 * of the transaction running now, which the writer thread writes and the {@link WriterWatchdog} reads (volatile),
 * so that a transaction that hangs turns the store unavailable. Writer thread, but for that record.
 */
final class BatchCommitter {

	private static final Logger logger = LoggerFactory.getLogger(BatchCommitter.class);

	private final DataSource dataSource;

	private final JdbcJobStoreSettings settings;

	private final StoreAvailability availability;

	private final BatchReporter reporter = new BatchReporter();

	/** Counts the transactions begun; the one running now if {@link #inTransaction}. */
	private volatile long transactions;

	private volatile boolean inTransaction;

	private volatile long transactionSinceNanos;

	BatchCommitter(DataSource dataSource, JdbcJobStoreSettings settings, StoreAvailability availability) {
		this.dataSource = dataSource;
		this.settings = settings;
		this.availability = availability;
	}

	void setListener(JobStoreListener listener) {
		this.reporter.setListener(listener);
	}

	/**
	 * Runs one transaction on a connection of its own. The inserts are taken into the transaction once the
	 * connection is there; those whose deadline passed before are failed instead.
	 * @return the inserts the transaction committed
	 * @throws OutcomeUnknownException if the commit failed, so the transaction may have committed all the same
	 * @throws SQLException if the transaction failed and did not commit
	 */
	List<Insert> commit(List<? extends RowWrite> deletes, List<Insert> inserts, boolean replaceExisting)
			throws SQLException {
		long startNanos = System.nanoTime();
		long failuresAtStart = this.availability.failures();
		List<Insert> claimed;
		try {
			Connection connection = this.dataSource.getConnection();
			try {
				claimed = claim(inserts);
				if (deletes.isEmpty() && claimed.isEmpty()) {
					return claimed;
				}
				this.transactionSinceNanos = System.nanoTime();
				this.transactions++;
				this.inTransaction = true;
				QueueTransaction.commit(connection, this.settings, deletes, claimed, replaceExisting);
			}
			finally {
				this.inTransaction = false;
				close(connection);
			}
		}
		catch (SQLException | RuntimeException ex) {
			this.reporter.failed(deletes.size(), inserts.size(), ex);
			throw ex;
		}
		this.reporter.committed(deletes.size(), claimed.size(), System.nanoTime() - startNanos);
		this.availability.committed(failuresAtStart);
		return claimed;
	}

	private List<Insert> claim(List<Insert> inserts) {
		long now = System.nanoTime();
		List<Insert> claimed = new ArrayList<>(inserts.size());
		for (Insert insert : inserts) {
			if (now - insert.deadlineNanos > 0) {
				insert.expire(timedOut());
			}
			if (insert.claim()) {
				claimed.add(insert);
			}
		}
		return claimed;
	}

	/**
	 * The number of the transaction running now if it has been running longer than the timeout, else -1; read by
	 * the watchdog.
	 */
	long overdueTransaction(long nowNanos) {
		long transaction = this.transactions;
		boolean overdue = this.inTransaction
				&& nowNanos - this.transactionSinceNanos > this.settings.getTimeout().toNanos();
		return overdue ? transaction : -1;
	}

	/**
	 * Commits an insert whose batch met a row under one of its keys. Where one server has the database alone, such
	 * a row can only be stale (the engine never has two live jobs with one key) and is replaced. On a shared
	 * database it is a job another server stored (or one this server took over, not adopted yet): the submission
	 * joins it, and its client gets that job's handle.
	 * @param sharesRows whether other servers share the database
	 * @return the insert if its transaction committed it, else nothing (it joined a stored job, or its deadline
	 * passed)
	 */
	List<Insert> commitAlone(Insert insert, boolean sharesRows) throws SQLException {
		if (!sharesRows) {
			return commit(List.of(), List.of(insert), true);
		}
		if (joinedStoredJob(insert)) {
			return List.of();
		}
		try {
			return commit(List.of(), List.of(insert), false);
		}
		catch (OutcomeUnknownException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			// another server stored the key meanwhile
			if (!joinedStoredJob(insert)) {
				throw ex;
			}
			return List.of();
		}
	}

	private boolean joinedStoredJob(Insert insert) throws SQLException {
		QueueTransaction.StoredHandle stored = storedUnder(insert);
		if (stored == null) {
			return false;
		}
		logger.debug("Job '{}' of function '{}' is stored already as {}: the submission joins it", insert.job.unique(),
				insert.job.function(), stored.handle());
		insert.complete(new OwnedElsewhereException("a job with this function and unique id is stored already",
				stored.handle()));
		return true;
	}

	/** The job another server (or this one, earlier) stored under this insert's key, if any. */
	private QueueTransaction.@Nullable StoredHandle storedUnder(Insert insert) throws SQLException {
		Connection connection = this.dataSource.getConnection();
		try {
			return QueueTransaction.storedUnder(connection, this.settings, insert.job.function(), insert.job.unique());
		}
		finally {
			close(connection);
		}
	}

	/** Whether any of these PostgreSQL transactions is still undecided on the database. */
	boolean stillRunning(List<Long> transactionIds) throws SQLException {
		Connection connection = this.dataSource.getConnection();
		try {
			return QueueTransaction.stillRunning(connection, this.settings, transactionIds);
		}
		finally {
			close(connection);
		}
	}

	/** The failure of an insert that no transaction took in time. */
	JobStoreUnavailableException timedOut() {
		return new JobStoreUnavailableException("the job store did not take the job into a transaction within "
				+ this.settings.getTimeout().toMillis() + " ms");
	}

	/** Closes a connection after its transaction ended: a failure to close changes nothing about the outcome. */
	private static void close(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Closing a job store connection failed", ex);
		}
	}

}
