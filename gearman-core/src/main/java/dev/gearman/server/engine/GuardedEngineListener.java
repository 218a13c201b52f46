package dev.gearman.server.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shields the engine from a listener that throws: a metrics failure must not abort the command that reported it.
 * The first failure is logged with its stack trace, later ones only counted at DEBUG, so a broken listener cannot
 * flood the log. Engine-thread only.
 */
final class GuardedEngineListener implements EngineListener {

	private static final Logger logger = LoggerFactory.getLogger(GuardedEngineListener.class);

	private final EngineListener delegate;

	private long failures;

	GuardedEngineListener(EngineListener delegate) {
		this.delegate = delegate;
	}

	@Override
	public void jobSubmitted(String function, Priority priority, boolean background) {
		try {
			this.delegate.jobSubmitted(function, priority, background);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void jobStarted(String function, long queueWaitNanos) {
		try {
			this.delegate.jobStarted(function, queueWaitNanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void jobFinished(String function, JobOutcome outcome, long runNanos) {
		try {
			this.delegate.jobFinished(function, outcome, runNanos);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void jobMoved(String function, JobState from, JobState to) {
		try {
			this.delegate.jobMoved(function, from, to);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void jobEnded(String function, EndReason reason) {
		try {
			this.delegate.jobEnded(function, reason);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void retryScheduled(String function, long delayMillis) {
		try {
			this.delegate.retryScheduled(function, delayMillis);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	@Override
	public void accessDenied(String identity, String action) {
		try {
			this.delegate.accessDenied(identity, action);
		}
		catch (RuntimeException ex) {
			failed(ex);
		}
	}

	private void failed(RuntimeException ex) {
		if (this.failures++ == 0) {
			logger.warn("Engine listener {} failed; further failures are logged at DEBUG", this.delegate, ex);
		}
		else {
			logger.debug("Engine listener {} failed ({} failures)", this.delegate, this.failures, ex);
		}
	}

}
