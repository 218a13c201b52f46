package dev.gearman.server.store;

import java.util.function.Consumer;

/**
 * The store that keeps nothing: background jobs live in the engine's memory only, like gearmand's builtin queue.
 */
public final class MemoryJobStore implements JobStore {

	/** The shared instance. */
	public static final MemoryJobStore INSTANCE = new MemoryJobStore();

	@Override
	public boolean isDurable() {
		return false;
	}

	@Override
	public void add(StoredJob job, Consumer<Throwable> callback) {
		callback.accept(null);
	}

	@Override
	public void remove(String function, String unique) {
	}

	@Override
	public void replay(Consumer<StoredJob> sink) {
	}

}
