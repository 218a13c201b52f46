package dev.gearman.client;

import dev.gearman.GearmanException;
import org.jspecify.annotations.Nullable;

/**
 * A job ended without a result. Carries the function and the handle. The kinds: {@link GearmanWorkerException}
 * (the worker raised), {@link GearmanJobFailedException} (the worker failed it, with its reason),
 * {@link GearmanTimeoutException}, {@link GearmanServerErrorException} (the server refused it) and its
 * {@link GearmanNoWorkerException}.
 */
public abstract class GearmanJobException extends GearmanException {

	private static final long serialVersionUID = 1L;

	private final String function;

	private final @Nullable String handle;

	/**
	 * Creates an exception.
	 * @param message what happened
	 * @param function the function of the job
	 * @param handle the job's handle, {@code null} if the server never gave one
	 */
	protected GearmanJobException(String message, String function, @Nullable String handle) {
		super(message);
		this.function = function;
		this.handle = handle;
	}

	/**
	 * Creates an exception with a cause.
	 * @param message what happened
	 * @param function the function of the job
	 * @param handle the job's handle, {@code null} if the server never gave one
	 * @param cause the underlying failure
	 */
	protected GearmanJobException(String message, String function, @Nullable String handle, Throwable cause) {
		super(message, cause);
		this.function = function;
		this.handle = handle;
	}

	/**
	 * The function of the job.
	 * @return the function name
	 */
	public String function() {
		return this.function;
	}

	/**
	 * The job's handle.
	 * @return the handle, {@code null} if the server never gave one
	 */
	public @Nullable String handle() {
		return this.handle;
	}

}
