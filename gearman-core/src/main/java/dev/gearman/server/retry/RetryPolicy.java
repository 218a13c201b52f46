package dev.gearman.server.retry;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What happens to a job whose attempt went wrong: run again (at once, or after an exponential backoff), or end —
 * failed for its foreground clients, and for a background job with dead letters on, moved to the dead letters.
 * <p>
 * {@link #GEARMAND} is the default and what gearmand does: a job whose worker went away runs again at once, as often
 * as it takes; WORK_FAIL and WORK_EXCEPTION end it. With {@code maxAttempts} set, every kind of failure in
 * {@code retryOn} counts an attempt: a lost or timed-out worker's job runs again at once, a failed background job
 * after the backoff {@code initialDelay × multiplier^(attempt-1)} (at most {@code maxDelay}, ± {@code jitter});
 * once the attempts are used up the job ends. Foreground jobs are retried only after a lost worker unless
 * {@code retryForeground} is set: their client is waiting and gets the failure at once.
 *
 * @param maxAttempts attempts in all before the job ends; 0 = gearmand's behaviour (see above)
 * @param retryOn the kinds of failure that are retried
 * @param initialDelay the wait before the second attempt of a failed job
 * @param multiplier how much longer each further wait is
 * @param maxDelay the longest wait
 * @param jitter the random part of each wait, as a fraction of it (0.1 = ± 10 %)
 * @param retryForeground whether failed foreground jobs are retried too (their client keeps waiting)
 * @param deadLetters whether background jobs that end failed are kept as dead letters
 */
public record RetryPolicy(int maxAttempts, Set<FailureKind> retryOn, Duration initialDelay, double multiplier,
		Duration maxDelay, double jitter, boolean retryForeground, boolean deadLetters) {

	/** gearmand's behaviour: a job whose worker went away runs again, without limit; a failed job ends. */
	public static final RetryPolicy GEARMAND = new RetryPolicy(0, EnumSet.of(FailureKind.WORKER_LOST,
			FailureKind.TIMEOUT), Duration.ZERO, 1, Duration.ZERO, 0, false, false);

	/**
	 * Validates the policy.
	 */
	public RetryPolicy {
		if (maxAttempts < 0) {
			throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 0)");
		}
		if (multiplier < 1) {
			throw new IllegalArgumentException("multiplier: " + multiplier + " (expected: >= 1)");
		}
		if (jitter < 0 || jitter >= 1) {
			throw new IllegalArgumentException("jitter: " + jitter + " (expected: 0 <= jitter < 1)");
		}
		if (initialDelay.isNegative() || maxDelay.isNegative()) {
			throw new IllegalArgumentException("delays: " + initialDelay + ", " + maxDelay + " (expected: >= 0)");
		}
		retryOn = Set.copyOf(retryOn);
	}

	/**
	 * gearmand's {@code --job-retries}: a job whose worker went away (or timed out) is run again at once, up to a
	 * number of attempts, then failed; WORK_FAIL and WORK_EXCEPTION end it; no dead letters.
	 * @param retryLimit attempts in all, 0 = without limit
	 * @return the policy
	 */
	public static RetryPolicy gearmandRetries(int retryLimit) {
		return (retryLimit == 0) ? GEARMAND : new RetryPolicy(retryLimit, EnumSet.of(FailureKind.WORKER_LOST,
				FailureKind.TIMEOUT), Duration.ZERO, 1, Duration.ZERO, 0, false, false);
	}

	/**
	 * Decides what happens after an attempt went wrong.
	 * @param attempts the attempts made so far, this one included
	 * @param kind how it went wrong
	 * @param background whether nobody waits for the job
	 * @param noRetry whether the worker asked not to retry it (see {@link #NO_RETRY_MARKER})
	 * @return the decision
	 */
	public Decision decide(int attempts, FailureKind kind, boolean background, boolean noRetry) {
		boolean lost = kind == FailureKind.WORKER_LOST || kind == FailureKind.TIMEOUT;
		if (this.maxAttempts == 0) {
			return lost ? Decision.RETRY_NOW : end(background);
		}
		if (noRetry || !this.retryOn.contains(kind) || attempts >= this.maxAttempts) {
			return end(background);
		}
		if (lost) {
			return Decision.RETRY_NOW;
		}
		return (background || this.retryForeground) ? Decision.RETRY_LATER : end(background);
	}

	private Decision end(boolean background) {
		return (background && this.deadLetters) ? Decision.DEAD : Decision.FAIL;
	}

	/**
	 * The wait before the next attempt of a failed job.
	 * @param attempts the attempts made so far (1 after the first failure)
	 * @return the delay, jitter included
	 */
	public Duration delay(int attempts) {
		double base = this.initialDelay.toMillis() * Math.pow(this.multiplier, Math.max(0, attempts - 1));
		double capped = Math.min(base, this.maxDelay.isZero() ? base : this.maxDelay.toMillis());
		double spread = capped * this.jitter;
		double jittered = capped + ((spread > 0) ? ThreadLocalRandom.current().nextDouble(-spread, spread) : 0);
		return Duration.ofMillis(Math.max(0, Math.round(jittered)));
	}

	/**
	 * A worker in any language asks that a job not be retried by starting its WORK_EXCEPTION text with this marker;
	 * the job then ends at once (a background job becomes a dead letter with that message).
	 */
	public static final String NO_RETRY_MARKER = "[no-retry]";

	/**
	 * What happens to a job after an attempt went wrong.
	 */
	public enum Decision {

		/** Back in its queue at once. */
		RETRY_NOW,

		/** Stored as waiting, run again after the backoff. */
		RETRY_LATER,

		/** Ends; its clients get the failure. */
		FAIL,

		/** Ends as a dead letter; its clients, if any, get the failure. */
		DEAD

	}

}
