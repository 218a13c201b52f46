package dev.gearman.spring.boot.autoconfigure.server;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * What the job server does with jobs whose attempts fail: a default retry policy and overrides per function-name
 * pattern. Off by default ({@code max-attempts=0}): then the job server does what gearmand does, with
 * {@code gearman.server.retry-limit} for jobs whose worker is lost.
 */
@ConfigurationProperties("gearman.server.retry")
public class GearmanRetryProperties {

	static final String PREFIX = "gearman.server.retry";

	/**
	 * Attempts in all before a failed job ends; a background job then moves to the dead letters. 0 turns the retry
	 * policy off: a job whose worker is lost runs again (up to gearman.server.retry-limit), WORK_FAIL and
	 * WORK_EXCEPTION end it, as in gearmand.
	 */
	private int maxAttempts;

	/**
	 * Which failures are retried: 'fail' (WORK_FAIL), 'exception' (WORK_EXCEPTION), 'worker-lost' (the worker
	 * disconnected or sent CANT_DO) and 'timeout' (past its CAN_DO_TIMEOUT). Others end the job at once.
	 */
	private Set<FailureKind> retryOn = EnumSet.allOf(FailureKind.class);

	/**
	 * Wait before the second attempt of a failed job. A job whose worker was lost or timed out runs again at once.
	 */
	private Duration initialDelay = Duration.ofSeconds(10);

	/**
	 * Factor by which each further wait grows (exponential backoff).
	 */
	private double multiplier = 2;

	/**
	 * Longest wait between two attempts.
	 */
	private Duration maxDelay = Duration.ofHours(1);

	/**
	 * Random part of each wait, as a fraction of it (0.2 = plus or minus 20%), so that jobs failed together do not
	 * all run again together.
	 */
	private double jitter = 0.2;

	/**
	 * Whether failed foreground jobs are retried too; their client keeps waiting meanwhile. Off, a foreground
	 * client gets WORK_FAIL or WORK_EXCEPTION at once (jobs of a lost worker still run again at once).
	 */
	private boolean foreground;

	/**
	 * Whether background jobs that used up their attempts are kept as dead letters (listed, requeued and purged by
	 * operators) instead of being dropped.
	 */
	private boolean deadLetters = true;

	/**
	 * Overrides per function-name pattern ('*' matches any run of characters), the first matching one winning;
	 * what an override leaves unset comes from the default above. E.g.
	 * gearman.server.retry.functions[billing.*].max-attempts=10.
	 */
	private Map<String, Override> functions = new LinkedHashMap<>();

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Set<FailureKind> getRetryOn() {
		return this.retryOn;
	}

	public void setRetryOn(Set<FailureKind> retryOn) {
		this.retryOn = retryOn;
	}

	public Duration getInitialDelay() {
		return this.initialDelay;
	}

	public void setInitialDelay(Duration initialDelay) {
		this.initialDelay = initialDelay;
	}

	public double getMultiplier() {
		return this.multiplier;
	}

	public void setMultiplier(double multiplier) {
		this.multiplier = multiplier;
	}

	public Duration getMaxDelay() {
		return this.maxDelay;
	}

	public void setMaxDelay(Duration maxDelay) {
		this.maxDelay = maxDelay;
	}

	public double getJitter() {
		return this.jitter;
	}

	public void setJitter(double jitter) {
		this.jitter = jitter;
	}

	public boolean isForeground() {
		return this.foreground;
	}

	public void setForeground(boolean foreground) {
		this.foreground = foreground;
	}

	public boolean isDeadLetters() {
		return this.deadLetters;
	}

	public void setDeadLetters(boolean deadLetters) {
		this.deadLetters = deadLetters;
	}

	public Map<String, Override> getFunctions() {
		return this.functions;
	}

	public void setFunctions(Map<String, Override> functions) {
		this.functions = functions;
	}

	/**
	 * The retry rules these properties describe, one model with gearmand's retry limit: without a retry policy
	 * ({@code max-attempts=0}) the default is gearmand's behaviour with the retry limit.
	 * @param retryLimit {@code gearman.server.retry-limit}
	 * @return the rules, or {@code null} when neither a policy nor an override is set (gearmand's behaviour)
	 * @throws InvalidConfigurationPropertyValueException if a value is out of range, or the retry limit is set
	 * beside a retry policy
	 */
	public @Nullable RetryRules toRules(int retryLimit) {
		if (this.maxAttempts > 0 && retryLimit != 0) {
			throw new InvalidConfigurationPropertyValueException("gearman.server.retry-limit", retryLimit,
					"It is gearmand's retry policy for lost workers; with " + PREFIX + ".max-attempts set, the retry"
							+ " policy decides for every kind of failure. Set only one of them.");
		}
		if (this.maxAttempts == 0 && this.functions.isEmpty()) {
			return null;
		}
		RetryPolicy defaultPolicy = (this.maxAttempts > 0) ? policy(PREFIX, new Override())
				: RetryPolicy.gearmandRetries(retryLimit);
		Map<String, RetryPolicy> overrides = new LinkedHashMap<>();
		this.functions.forEach((pattern, override) -> overrides.put(pattern,
				policy(PREFIX + ".functions[" + pattern + "]", override)));
		return new RetryRules(defaultPolicy, overrides);
	}

	private RetryPolicy policy(String prefix, Override override) {
		int attempts = (override.maxAttempts != null) ? override.maxAttempts : this.maxAttempts;
		try {
			return new RetryPolicy(attempts, or(override.retryOn, this.retryOn),
					or(override.initialDelay, this.initialDelay), or(override.multiplier, this.multiplier),
					or(override.maxDelay, this.maxDelay), or(override.jitter, this.jitter),
					or(override.foreground, this.foreground), or(override.deadLetters, this.deadLetters));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(prefix, attempts, ex.getMessage());
		}
	}

	private static <T> T or(@Nullable T override, T value) {
		return (override != null) ? override : value;
	}

	/**
	 * The retry policy of the functions a pattern matches; each value left unset comes from the default.
	 */
	public static class Override {

		/**
		 * Attempts in all before a failed job of these functions ends; 0 = gearmand's behaviour for them.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Which failures are retried: fail, exception, worker-lost, timeout.
		 */
		private @Nullable Set<FailureKind> retryOn;

		/**
		 * Wait before the second attempt of a failed job.
		 */
		private @Nullable Duration initialDelay;

		/**
		 * Factor by which each further wait grows.
		 */
		private @Nullable Double multiplier;

		/**
		 * Longest wait between two attempts.
		 */
		private @Nullable Duration maxDelay;

		/**
		 * Random part of each wait, as a fraction of it.
		 */
		private @Nullable Double jitter;

		/**
		 * Whether failed foreground jobs of these functions are retried too.
		 */
		private @Nullable Boolean foreground;

		/**
		 * Whether background jobs of these functions that used up their attempts are kept as dead letters.
		 */
		private @Nullable Boolean deadLetters;

		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public @Nullable Set<FailureKind> getRetryOn() {
			return this.retryOn;
		}

		public void setRetryOn(@Nullable Set<FailureKind> retryOn) {
			this.retryOn = retryOn;
		}

		public @Nullable Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(@Nullable Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
		}

		public @Nullable Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(@Nullable Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public @Nullable Double getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

		public @Nullable Boolean getForeground() {
			return this.foreground;
		}

		public void setForeground(@Nullable Boolean foreground) {
			this.foreground = foreground;
		}

		public @Nullable Boolean getDeadLetters() {
			return this.deadLetters;
		}

		public void setDeadLetters(@Nullable Boolean deadLetters) {
			this.deadLetters = deadLetters;
		}

	}

}
