package dev.gearman.spring.boot.autoconfigure.server;

import java.util.List;

import dev.gearman.server.store.JobStoreListener;

/**
 * Passes a store's batch statistics to several listeners, in order.
 */
final class CompositeJobStoreListener implements JobStoreListener {

	private final List<JobStoreListener> listeners;

	CompositeJobStoreListener(List<JobStoreListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	@Override
	public void batchCommitted(Operation operation, int size, long commitNanos) {
		for (JobStoreListener listener : this.listeners) {
			listener.batchCommitted(operation, size, commitNanos);
		}
	}

	@Override
	public void batchFailed(Operation operation, int size, Throwable failure) {
		for (JobStoreListener listener : this.listeners) {
			listener.batchFailed(operation, size, failure);
		}
	}

}
