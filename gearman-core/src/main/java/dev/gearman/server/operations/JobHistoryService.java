package dev.gearman.server.operations;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.gearman.server.history.JobEvent;
import dev.gearman.server.history.JobHistoryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happened to background jobs, as operators ask for it: by job handle or by unique id. Queries run on the
 * operations thread; with the history off they answer with nothing. Thread-safe.
 */
public final class JobHistoryService {

	private static final Logger logger = LoggerFactory.getLogger(JobHistoryService.class);

	/** The most events one query returns. */
	public static final int MAX_EVENTS = 1000;

	private final JobHistoryStore store;

	private final OperationsExecutor executor;

	private final Duration retention;

	JobHistoryService(JobHistoryStore store, OperationsExecutor executor, Duration retention) {
		this.store = store;
		this.executor = executor;
		this.retention = retention;
	}

	/**
	 * Whether events are recorded at all.
	 * @return {@code false} if the history is off
	 */
	public boolean isEnabled() {
		return this.store != JobHistoryStore.NONE;
	}

	/**
	 * The events of the job that had a handle.
	 * @param handle the job handle
	 * @return the events in the order they happened (at most {@value #MAX_EVENTS})
	 */
	public CompletableFuture<List<JobEvent>> byHandle(String handle) {
		return this.executor.submit(() -> this.store.byHandle(handle, MAX_EVENTS));
	}

	/**
	 * The events of the jobs with a unique id, under any handle (a job gets a new one when it is replayed after a
	 * restart or requeued from the dead letters).
	 * @param unique the unique id
	 * @return the events in the order they happened (at most {@value #MAX_EVENTS})
	 */
	public CompletableFuture<List<JobEvent>> byUnique(String unique) {
		return this.executor.submit(() -> this.store.byUnique(unique, MAX_EVENTS));
	}

	/** Forgets events older than the retention; the operations thread runs it once a minute. */
	void prune() {
		int pruned = this.store.prune(System.currentTimeMillis() - this.retention.toMillis());
		if (pruned > 0) {
			logger.debug("{} job history events older than {} deleted", pruned, this.retention);
		}
	}

}
