package dev.gearman.spring.boot.autoconfigure.server;

import java.util.List;

import dev.gearman.server.engine.EngineListener;
import dev.gearman.server.engine.Priority;

/**
 * Passes the engine's job events to several listeners, in order.
 */
final class CompositeEngineListener implements EngineListener {

	private final EngineListener[] listeners;

	CompositeEngineListener(List<EngineListener> listeners) {
		this.listeners = listeners.toArray(new EngineListener[0]);
	}

	@Override
	public void jobSubmitted(String function, Priority priority, boolean background) {
		for (EngineListener listener : this.listeners) {
			listener.jobSubmitted(function, priority, background);
		}
	}

	@Override
	public void jobStarted(String function, long queueWaitNanos) {
		for (EngineListener listener : this.listeners) {
			listener.jobStarted(function, queueWaitNanos);
		}
	}

	@Override
	public void jobFinished(String function, JobOutcome outcome, long runNanos) {
		for (EngineListener listener : this.listeners) {
			listener.jobFinished(function, outcome, runNanos);
		}
	}

}
