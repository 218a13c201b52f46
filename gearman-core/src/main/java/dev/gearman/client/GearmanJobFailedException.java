package dev.gearman.client;

import org.jspecify.annotations.Nullable;

/**
 * The worker reported failure (WORK_FAIL), the job was cancelled, or it exhausted its attempts. When the worker
 * said why (our worker sends a {@code FailJobException}'s message as WORK_WARNING right before WORK_FAIL), the
 * reason is in {@link #reason()} and in the message.
 */
public class GearmanJobFailedException extends GearmanJobException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String reason;

	/**
	 * Creates an exception without a reason.
	 * @param function the function
	 * @param handle the job handle
	 */
	public GearmanJobFailedException(String function, String handle) {
		this(function, handle, null);
	}

	/**
	 * Creates an exception.
	 * @param function the function
	 * @param handle the job handle
	 * @param reason why the worker failed the job, {@code null} if it did not say
	 */
	public GearmanJobFailedException(String function, String handle, @Nullable String reason) {
		super("Job " + handle + " of function '" + function + "' failed" + ((reason != null) ? ": " + reason : ""),
				function, handle);
		this.reason = reason;
	}

	/**
	 * Why the worker failed the job: the WORK_WARNING it sent right before WORK_FAIL.
	 * @return the reason, {@code null} if the worker gave none
	 */
	public @Nullable String reason() {
		return this.reason;
	}

}
