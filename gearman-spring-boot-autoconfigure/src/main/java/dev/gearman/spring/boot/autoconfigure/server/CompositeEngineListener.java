package dev.gearman.spring.boot.autoconfigure.server;

import java.util.List;

import dev.gearman.server.engine.EndReason;
import dev.gearman.server.engine.EngineListener;
import dev.gearman.server.engine.JobState;
import dev.gearman.server.engine.Priority;

/**
 * Passes the engine's events to several listeners, in order: every one of them, so that no listener misses what it
 * relies on when another is present.
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

	@Override
	public void jobMoved(String function, JobState from, JobState to) {
		for (EngineListener listener : this.listeners) {
			listener.jobMoved(function, from, to);
		}
	}

	@Override
	public void jobEnded(String function, EndReason reason) {
		for (EngineListener listener : this.listeners) {
			listener.jobEnded(function, reason);
		}
	}

	@Override
	public void retryScheduled(String function, long delayMillis) {
		for (EngineListener listener : this.listeners) {
			listener.retryScheduled(function, delayMillis);
		}
	}

	@Override
	public void accessDenied(String identity, String action) {
		for (EngineListener listener : this.listeners) {
			listener.accessDenied(identity, action);
		}
	}

}
