package dev.gearman.server.engine;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Draining for shutdown: once it began no job is handed to a worker and sleeping workers are not woken; it is
 * complete when no job runs any more and the store has answered every insert (so every submitter got its
 * JOB_CREATED or ERROR). Engine-thread only.
 */
final class Drain {

	private final JobRegistry registry;

	private boolean draining;

	private @Nullable CompletableFuture<Void> drained;

	Drain(JobRegistry registry) {
		this.registry = registry;
	}

	boolean isDraining() {
		return this.draining;
	}

	/**
	 * Begins draining; a second call shares the first one's completion.
	 * @param drained completed once idle
	 */
	void begin(CompletableFuture<Void> drained) {
		this.draining = true;
		if (this.drained == null) {
			this.drained = drained;
		}
		else {
			this.drained.whenComplete((ignored, ex) -> drained.complete(null));
		}
		completeIfIdle();
	}

	/** Completes the drain once idle; runs after every batch of commands. */
	void completeIfIdle() {
		CompletableFuture<Void> future = this.drained;
		if (future != null && !future.isDone() && this.registry.counts().running() == 0 && !this.registry.storing()) {
			future.complete(null);
		}
	}

}
