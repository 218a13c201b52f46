package dev.gearman.spring.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the values of the {@code function} tag. Function names come from the network, so every new name would
 * otherwise be a new time series: the first {@code max} names seen keep their own tag value, every later one is
 * reported as {@value #OTHER}. Slots are never given back, so the set of series stays stable for the life of the
 * application. Thread-safe; a name already seen costs one lock-free map lookup.
 */
public final class FunctionTags {

	/** The tag value of functions beyond the limit. */
	public static final String OTHER = "_other";

	private final int max;

	private final Map<String, String> tags = new ConcurrentHashMap<>();

	/**
	 * Creates the limiter.
	 * @param max the largest number of distinct function tag values, besides {@value #OTHER}
	 */
	public FunctionTags(int max) {
		if (max < 0) {
			throw new IllegalArgumentException("max: " + max + " (expected: >= 0)");
		}
		this.max = max;
	}

	/**
	 * The tag value for a function.
	 * @param function the function name
	 * @return the name itself, or {@value #OTHER} once the limit is reached
	 */
	public String tag(String function) {
		String tag = this.tags.get(function);
		return (tag != null) ? tag : admit(function);
	}

	private synchronized String admit(String function) {
		String tag = this.tags.get(function);
		if (tag != null) {
			return tag;
		}
		if (this.tags.size() >= this.max) {
			return OTHER;
		}
		this.tags.put(function, function);
		return function;
	}

	/**
	 * The limit.
	 * @return the largest number of distinct function tag values
	 */
	public int max() {
		return this.max;
	}

}
