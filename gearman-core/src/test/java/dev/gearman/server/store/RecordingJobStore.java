package dev.gearman.server.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A durable-looking {@link JobStore} for tests: it acknowledges every job at once and records what the engine gave
 * it; removals and replay do nothing. Tests that need more override the method in question.
 */
public class RecordingJobStore implements JobStore {

	/** The jobs added, in order. */
	public final List<StoredJob> added = new CopyOnWriteArrayList<>();

	@Override
	public boolean isDurable() {
		return true;
	}

	@Override
	public void add(StoredJob job, Consumer<Throwable> callback) {
		this.added.add(job);
		callback.accept(null);
	}

	@Override
	public void remove(String function, String unique, long sequence) {
	}

	@Override
	public void replay(Consumer<StoredJob> sink) {
	}

}
