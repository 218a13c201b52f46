package dev.gearman.server.store;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.gearman.server.history.JobHistoryStore;
import org.jspecify.annotations.Nullable;

/**
 * Where background jobs are kept so that they survive a restart.
 * <p>
 * The engine calls {@link #add} and {@link #remove} on its own thread and must never block there, so both are
 * asynchronous: an implementation queues the work and does it on threads of its own, which lets a durable store
 * group many inserts from many connections into one transaction. The engine sends JOB_CREATED for a background
 * job only after {@link #add}'s callback reported success; on failure the client gets ERROR QUEUE_ERROR and the
 * job does not exist. Rows are keyed by (function, unique).
 * <p>
 * A store may be shared by several servers ({@link #isShared()}): each owns the jobs it accepted, and takes over
 * those of a server that stopped. The server then calls {@link #join} before {@link #replay}, and an insert may be
 * answered with an {@link OwnedElsewhereException}: the job is stored, but another server owns it.
 */
public interface JobStore extends AutoCloseable {

	/**
	 * Whether jobs outlive the process. If not, the engine skips the store for speed.
	 * @return {@code true} for a durable store
	 */
	boolean isDurable();

	/**
	 * Stores a job. The callback runs exactly once, on any thread, after the job is durable or the store failed.
	 * @param job the job
	 * @param callback receives {@code null} on success or the failure
	 */
	void add(StoredJob job, Consumer<Throwable> callback);

	/**
	 * Forgets a finished job. Removal may be batched; a failure is logged by the store and the row is replayed
	 * (run again) after a restart, which is the at-least-once contract. Only the row of this very job goes: a
	 * removal that waited behind a backlog must not delete a newer job stored under the same key meanwhile.
	 * @param function the function name
	 * @param unique the unique id
	 * @param sequence the job's {@link StoredJob#sequence()}, which tells it apart from a newer job with the same key
	 */
	void remove(String function, String unique, long sequence);

	/**
	 * Records that a stored job failed and waits to be retried: its attempts, when it runs next and why it failed,
	 * so that a restart keeps all three. Asynchronous like {@link #remove}; a failure leaves the row as it was (the job
	 * then runs again sooner after a restart). A store that keeps nothing ignores it.
	 * @param function the function name
	 * @param unique the unique id
	 * @param sequence the job's sequence
	 * @param attempts the attempts made
	 * @param whenToRun seconds since the epoch when the next attempt is due
	 * @param lastError why the last attempt failed
	 */
	default void retryLater(String function, String unique, long sequence, int attempts, long whenToRun,
			String lastError) {
	}

	/**
	 * Moves a job that used up its attempts to the dead letters: its queue row, if it has one, is deleted in the same
	 * transaction, so the job is in exactly one place. Asynchronous like {@link #remove}. A store without dead letters
	 * only removes the row.
	 * @param letter the dead letter
	 */
	default void bury(DeadLetter letter) {
		if (letter.stored()) {
			remove(letter.function(), letter.unique(), letter.sequence());
		}
	}

	/**
	 * The dead letters this store keeps beside its queue, where {@link #bury} puts them.
	 * @return the dead letters, or {@code null} if the store keeps none (the server then keeps them in memory,
	 * bounded, and they do not survive a restart)
	 */
	default @Nullable DeadLetterStore deadLetters() {
		return null;
	}

	/**
	 * Where this store keeps job history, when the server records it.
	 * @return the history, or {@code null} if the store keeps none (the server then keeps it in memory, bounded)
	 */
	default @Nullable JobHistoryStore history() {
		return null;
	}

	/**
	 * Gives up a stored job without deleting its row, so that another server sharing the store runs it: the jobs
	 * still queued when a server shuts down. Asynchronous like {@link #remove}. A store that is not shared keeps the
	 * row as it is, for the next start.
	 * @param function the function name
	 * @param unique the unique id
	 * @param sequence the job's sequence
	 */
	default void release(String function, String unique, long sequence) {
	}

	/**
	 * Whether several servers may share this store, each owning the jobs it accepted and taking over those of a
	 * server that stopped.
	 * @return {@code true} for a shared store
	 */
	default boolean isShared() {
		return false;
	}

	/**
	 * What the server appends to its handle prefix, so that the job handles of all servers sharing the store differ
	 * (a job taken over keeps its handle). Called once, before {@link #join}.
	 * @return a short tag of this server's own, or {@code ""} for a store that is not shared
	 */
	default String handleScope() {
		return "";
	}

	/**
	 * Registers the server with the store, once, before {@link #replay}: a shared store then keeps its ownership
	 * proven (heartbeats) and hands it the jobs of servers that stopped ({@link JobOwner#adopt}); a store that one
	 * server must have to itself refuses to start when another one uses it. {@link #close()} deregisters it.
	 * @param owner the server
	 * @throws IllegalStateException if the store cannot take this server (another one uses a store that cannot be
	 * shared, or the database cannot be reached)
	 */
	default void join(JobOwner owner) {
	}

	/**
	 * The servers registered with a shared store, as last read from the database.
	 * @return the servers, empty for a store that is not shared
	 */
	default List<StoreInstance> instances() {
		return List.of();
	}

	/**
	 * Reads every stored job, ordered by sequence, before the engine serves. A shared store reads only the jobs
	 * this server owns.
	 * @param sink receives each job
	 */
	void replay(Consumer<StoredJob> sink);

	/**
	 * Reads stored jobs in sequence order, from the first after a sequence, for as long as the sink takes them: the
	 * engine loads a stored queue larger than its memory budget in parts, the rest as jobs finish. May be called on
	 * any thread, also while the engine serves (never on the engine thread then); the engine's own inserts since it
	 * started have larger sequences than {@code upTo} and are left out. The default reads through
	 * {@link #replay(Consumer)} and skips what it does not need; a store that can seek should.
	 * @param after only jobs with a larger sequence; {@link Long#MIN_VALUE} from the first
	 * @param upTo only jobs with this sequence or a smaller one
	 * @param sink receives each job in turn; returns {@code false} to stop after it
	 */
	default void replay(long after, long upTo, Predicate<StoredJob> sink) {
		boolean[] stopped = new boolean[1];
		replay((job) -> {
			if (!stopped[0] && job.sequence() > after && job.sequence() <= upTo) {
				stopped[0] = !sink.test(job);
			}
		});
	}

	/**
	 * The largest sequence of a stored job, read before the engine serves: the engine's own jobs are numbered after
	 * it.
	 * @return the sequence, 0 if nothing is stored
	 */
	default long lastSequence() {
		long[] last = new long[1];
		replay((job) -> last[0] = Math.max(last[0], job.sequence()));
		return last[0];
	}

	/**
	 * Records that an operator paused or resumed a function, so that a restart keeps it paused. Asynchronous like
	 * {@link #remove}: called on the engine thread, must not block; a failure is logged by the store (the function
	 * is then as it was after a restart). Writes for one function are applied in the order they were made. A store
	 * that keeps nothing ignores it.
	 * @param function the function name
	 * @param paused {@code true} when it was paused, {@code false} when it was resumed (or dropped)
	 */
	default void setPaused(String function, boolean paused) {
	}

	/**
	 * The functions an operator paused and did not resume, read once before the engine serves.
	 * @return the function names
	 */
	default Set<String> pausedFunctions() {
		return Set.of();
	}

	/**
	 * Whether the store can currently take writes.
	 * @return {@code true} if healthy
	 */
	default boolean isAvailable() {
		return true;
	}

	/**
	 * Why the store is unavailable, for health checks.
	 * @return the last failure's description, or {@code null} if none is known
	 */
	default @Nullable String lastFailure() {
		return null;
	}

	/**
	 * Registers the listener that receives this store's batch statistics. A store that does not batch (the
	 * in-memory one) ignores it. Called once, before the server starts.
	 * @param listener the listener
	 */
	default void setListener(JobStoreListener listener) {
	}

	@Override
	default void close() {
	}

}
