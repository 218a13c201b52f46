package dev.gearman.server.store.jdbc;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.DeadLetter;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;

/**
 * One write waiting for the writer thread.
 */
sealed interface StoreOperation {

	/**
	 * An insert whose callback runs exactly once. Until the writer claims it for a transaction, its deadline may
	 * fail it (the watchdog and the writer race for that); once claimed, only the outcome of the transaction that
	 * carries it answers it, so the client's answer and the database always agree.
	 */
	final class Insert implements StoreOperation {

		private static final int QUEUED = 0;

		private static final int CLAIMED = 1;

		private static final int DONE = 2;

		final StoredJob job;

		/** The instance id the row is written with, {@code null} before the server joined the store. */
		final @Nullable String owner;

		final long deadlineNanos;

		private final Consumer<@Nullable Throwable> callback;

		private final AtomicInteger state = new AtomicInteger(QUEUED);

		Insert(StoredJob job, @Nullable String owner, long deadlineNanos, Consumer<@Nullable Throwable> callback) {
			this.job = job;
			this.owner = owner;
			this.deadlineNanos = deadlineNanos;
			this.callback = callback;
		}

		boolean isDone() {
			return this.state.get() == DONE;
		}

		/** Whether neither a transaction took the insert nor anything answered it yet. */
		boolean isWaiting() {
			return this.state.get() == QUEUED;
		}

		/**
		 * Takes the insert into a transaction: from now on only that transaction's outcome answers it.
		 * @return {@code false} if it was already answered (its deadline passed)
		 */
		boolean claim() {
			return this.state.compareAndSet(QUEUED, CLAIMED) || this.state.get() == CLAIMED;
		}

		/**
		 * Fails the insert unless a transaction claimed it or it was already answered.
		 * @return whether this call answered it
		 */
		boolean expire(Throwable failure) {
			return this.state.compareAndSet(QUEUED, DONE) && answer(failure);
		}

		/** Completes the insert, claimed or not, unless it was already completed; returns whether this call did it. */
		boolean complete(@Nullable Throwable failure) {
			int current = this.state.get();
			while (current != DONE) {
				if (this.state.compareAndSet(current, DONE)) {
					return answer(failure);
				}
				current = this.state.get();
			}
			return false;
		}

		private boolean answer(@Nullable Throwable failure) {
			this.callback.accept(failure);
			return true;
		}

		/** The delete that removes exactly this insert's row. */
		Delete row(boolean checkOwner) {
			return new Delete(this.job.function(), this.job.unique(), this.job.sequence(),
					checkOwner ? this.owner : null);
		}

	}

	/**
	 * A write to a job's row that nobody waits for: it rides along with the next commit of its writer and is kept for
	 * later while the database is down. Each is safe to repeat, since a commit whose answer was lost is written again.
	 */
	sealed interface RowWrite extends StoreOperation {
	}

	/**
	 * A delete of a finished job's row.
	 * @param function the function name
	 * @param unique the unique key
	 * @param sequence the job's sequence: only its own row is deleted, never a newer job's under the same key
	 * @param owner on a database several servers share, the deleting server's instance id: a row another server
	 * owns now (it took the job over) is not this server's to delete; {@code null} where one server has the
	 * database alone
	 */
	record Delete(String function, String unique, long sequence, @Nullable String owner) implements RowWrite {
	}

	/**
	 * A failed attempt recorded on a job's row (see {@link dev.gearman.server.store.JobStore#retryLater}).
	 * @param function the function name
	 * @param unique the unique key
	 * @param sequence the job's sequence
	 * @param attempts the attempts made
	 * @param whenToRun seconds since the epoch when the next attempt is due
	 * @param lastError why the last attempt failed
	 * @param owner on a shared database the writing server, whose row it must still be; {@code null} otherwise
	 */
	record RetryLater(String function, String unique, long sequence, int attempts, long whenToRun,
			String lastError, @Nullable String owner) implements RowWrite {
	}

	/**
	 * A job's move to the dead letters: its row, if it has one, is copied there and deleted in one transaction.
	 * @param letter the letter
	 * @param owner on a shared database the burying server, whose row it must still be (else another server runs
	 * the job and there is nothing to bury); {@code null} otherwise
	 */
	record Bury(DeadLetter letter, @Nullable String owner) implements RowWrite {
	}

	/**
	 * An event of the job history, written with the job's other row writes: no commit of its own, and in the order
	 * of the job's other writes. Repeating it after a lost commit answer writes the event twice, which an audit
	 * trail can bear.
	 * @param event the event
	 */
	record History(JobEvent event) implements RowWrite {
	}

	/**
	 * An operator paused or resumed a function (see {@link dev.gearman.server.store.JobStore#setPaused}): its row in
	 * {@code gearman_paused_function} is written or deleted.
	 * @param function the function name
	 * @param paused whether it is paused now
	 * @param atMillis when, epoch milliseconds
	 */
	record Pause(String function, boolean paused, long atMillis) implements RowWrite {
	}

	/**
	 * No write: wakes the writer from its wait on the queue, so that closing does not wait out a poll.
	 */
	enum Wake implements StoreOperation {

		/** The one instance. */
		INSTANCE

	}

}
