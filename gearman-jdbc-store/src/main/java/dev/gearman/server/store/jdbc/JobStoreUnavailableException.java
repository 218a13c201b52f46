package dev.gearman.server.store.jdbc;

import org.jspecify.annotations.Nullable;

/**
 * A background job could not be stored: the database is unreachable, too slow, or the write queue is full. The
 * client gets ERROR QUEUE_ERROR.
 */
public class JobStoreUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	JobStoreUnavailableException(String message) {
		super(message);
	}

	JobStoreUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
