package dev.gearman.server.store.jdbc;

import java.sql.SQLException;

/**
 * The watchdog thread of a {@link GroupCommitWriter}: it runs while the writer may hang in a JDBC call, fails
 * inserts past their deadline that no transaction took (queued, or drained by a writer that waits for a
 * connection), and turns the store unavailable when the writer does not keep up or a transaction runs longer than
 * the timeout, so that new submissions fail fast meanwhile. An insert in a transaction is left to that
 * transaction's outcome. Owns only its thread; what it watches belongs to the writer.
 */
final class WriterWatchdog {

	private final Thread thread;

	private final Thread writer;

	private final WriteQueue queue;

	private final BatchCommitter committer;

	private final StoreAvailability availability;

	private final JdbcJobStoreSettings settings;

	WriterWatchdog(String name, Thread writer, WriteQueue queue, BatchCommitter committer,
			StoreAvailability availability, JdbcJobStoreSettings settings) {
		this.writer = writer;
		this.queue = queue;
		this.committer = committer;
		this.availability = availability;
		this.settings = settings;
		this.thread = new Thread(this::watchLoop, "gearman-store-watchdog-" + name);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	void stop() {
		this.thread.interrupt();
	}

	private void watchLoop() {
		long period = Math.min(250, Math.max(10, this.settings.getTimeout().toMillis() / 4));
		long reportedTransaction = -1;
		while (this.writer.isAlive()) {
			try {
				Thread.sleep(period);
			}
			catch (InterruptedException ex) {
				return;
			}
			long now = System.nanoTime();
			long transaction = this.committer.overdueTransaction(now);
			if (transaction != -1 && transaction != reportedTransaction) {
				reportedTransaction = transaction;
				this.availability.markUnavailable(new SQLException("a transaction has been running for more than "
						+ this.settings.getTimeout().toMillis() + " ms"));
			}
			int expired = 0;
			for (StoreOperation.Insert insert : this.queue.overdue(now)) {
				expired += expireAfterMarkingUnavailable(insert, expired);
			}
		}
	}

	/**
	 * Fails an insert past its deadline unless a transaction took it. Before the first one, the store turns
	 * unavailable: whoever sees the failure also sees the store down, and new submissions fail at once until the
	 * writer commits or probes again.
	 * @return 1 if this call failed the insert
	 */
	private int expireAfterMarkingUnavailable(StoreOperation.Insert insert, int expiredSoFar) {
		if (expiredSoFar == 0) {
			this.availability.markUnavailable(new SQLException("jobs waited more than "
					+ this.settings.getTimeout().toMillis() + " ms for the writer"));
		}
		return insert.expire(this.committer.timedOut()) ? 1 : 0;
	}

}
