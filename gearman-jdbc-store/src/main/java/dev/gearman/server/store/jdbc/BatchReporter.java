package dev.gearman.server.store.jdbc;

import dev.gearman.server.store.JobStoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the store's {@link JobStoreListener} about each transaction of the group-commit writer. A transaction with
 * both deletes and inserts is reported under each operation, with its full duration. A failing listener is
 * logged at DEBUG and never disturbs the writer.
 */
final class BatchReporter {

	private static final Logger logger = LoggerFactory.getLogger(BatchReporter.class);

	private volatile JobStoreListener listener = JobStoreListener.NONE;

	void setListener(JobStoreListener listener) {
		this.listener = listener;
	}

	void committed(int deletes, int inserts, long nanos) {
		JobStoreListener current = this.listener;
		try {
			if (inserts > 0) {
				current.batchCommitted(JobStoreListener.Operation.INSERT, inserts, nanos);
			}
			if (deletes > 0) {
				current.batchCommitted(JobStoreListener.Operation.DELETE, deletes, nanos);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Store listener failed", ex);
		}
	}

	void failed(int deletes, int inserts, Exception failure) {
		JobStoreListener current = this.listener;
		try {
			if (inserts > 0) {
				current.batchFailed(JobStoreListener.Operation.INSERT, inserts, failure);
			}
			if (deletes > 0) {
				current.batchFailed(JobStoreListener.Operation.DELETE, deletes, failure);
			}
		}
		catch (RuntimeException ex) {
			logger.debug("Store listener failed", ex);
		}
	}

}
