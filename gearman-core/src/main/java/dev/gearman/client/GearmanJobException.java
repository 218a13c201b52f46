package dev.gearman.client;

import org.jspecify.annotations.Nullable;

/**
 * A job ended without a result. Carries the function and the handle.
 */
public abstract class GearmanJobException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String function;

	private final @Nullable String handle;

	protected GearmanJobException(String message, String function, @Nullable String handle) {
		super(message);
		this.function = function;
		this.handle = handle;
	}

	public String function() {
		return this.function;
	}

	public @Nullable String handle() {
		return this.handle;
	}

}
