package dev.gearman.server.store;

import java.util.function.Consumer;

/**
 * The store that keeps nothing: background jobs live in the engine's memory only, like gearmand's builtin queue.
 */
public final class NonDurableJobStore implements JobStore {

	/** The shared instance. */
	public static final NonDurableJobStore INSTANCE = new NonDurableJobStore();

	@Override
	public boolean isDurable() {
		return false;
	}

	@Override
	public void add(StoredJob job, Consumer<Throwable> callback) {
		callback.accept(null);
	}

	@Override
	public void remove(String function, String unique, long sequence) {
	}

	@Override
	public void replay(Consumer<StoredJob> sink) {
	}

}
