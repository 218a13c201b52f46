package dev.gearman.server.store.jdbc;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * One write waiting for the writer thread.
 */
sealed interface StoreOperation {

	/**
	 * An insert whose callback runs exactly once: after the commit, after a failure or when its deadline passed,
	 * whichever comes first (the watchdog and the writer race for it).
	 */
	final class Insert implements StoreOperation {

		final StoredJob job;

		final long deadlineNanos;

		private final Consumer<@Nullable Throwable> callback;

		private final AtomicBoolean done = new AtomicBoolean();

		Insert(StoredJob job, long deadlineNanos, Consumer<@Nullable Throwable> callback) {
			this.job = job;
			this.deadlineNanos = deadlineNanos;
			this.callback = callback;
		}

		boolean isDone() {
			return this.done.get();
		}

		/** Completes the insert unless it was already completed; returns whether this call did it. */
		boolean complete(@Nullable Throwable failure) {
			if (!this.done.compareAndSet(false, true)) {
				return false;
			}
			this.callback.accept(failure);
			return true;
		}

	}

	/**
	 * A delete of a finished job's row.
	 * @param function the function name
	 * @param unique the unique key
	 * @param sequence the job's sequence: only its own row is deleted, never a newer job's under the same key
	 */
	record Delete(String function, String unique, long sequence) implements StoreOperation {
	}

	/**
	 * No write: wakes the writer from its wait on the queue, so that closing does not wait out a poll.
	 */
	enum Wake implements StoreOperation {

		/** The one instance. */
		INSTANCE

	}

}
