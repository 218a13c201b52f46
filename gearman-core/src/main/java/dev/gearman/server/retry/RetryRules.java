package dev.gearman.server.retry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import dev.gearman.server.Glob;

/**
 * The retry policy of each function: a default, and overrides for function-name globs ({@code *} matches any run
 * of characters), the first matching one winning.
 */
public final class RetryRules {

	private final RetryPolicy defaultPolicy;

	private final Map<Pattern, RetryPolicy> overrides;

	/**
	 * Creates rules.
	 * @param defaultPolicy the policy of functions no override matches
	 * @param overrides policies by function-name glob, in order
	 */
	public RetryRules(RetryPolicy defaultPolicy, Map<String, RetryPolicy> overrides) {
		this.defaultPolicy = defaultPolicy;
		this.overrides = new LinkedHashMap<>();
		overrides.forEach((glob, policy) -> this.overrides.put(Glob.compile(glob), policy));
	}

	/**
	 * The same policy for every function.
	 * @param policy the policy
	 * @return the rules
	 */
	public static RetryRules of(RetryPolicy policy) {
		return new RetryRules(policy, Map.of());
	}

	/**
	 * The policy of a function.
	 * @param function the function name
	 * @return its policy
	 */
	public RetryPolicy policyFor(String function) {
		for (Map.Entry<Pattern, RetryPolicy> override : this.overrides.entrySet()) {
			if (override.getKey().matcher(function).matches()) {
				return override.getValue();
			}
		}
		return this.defaultPolicy;
	}

	/**
	 * The policy of functions no override matches.
	 * @return the default policy
	 */
	public RetryPolicy defaultPolicy() {
		return this.defaultPolicy;
	}

}
