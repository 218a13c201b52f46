package dev.gearman.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * A call did not complete within its timeout. The job itself may still run on the server.
 */
public class GearmanTimeoutException extends GearmanJobException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param function the function
	 * @param handle the handle, if the job was created
	 * @param timeout the timeout that elapsed
	 */
	public GearmanTimeoutException(String function, @Nullable String handle, Duration timeout) {
		super("Job " + ((handle != null) ? handle + " " : "") + "of function '" + function + "' timed out after "
				+ timeout.toMillis() + " ms", function, handle);
	}

}
