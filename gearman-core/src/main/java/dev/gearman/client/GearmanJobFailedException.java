package dev.gearman.client;

/**
 * The worker reported failure (WORK_FAIL), the job was cancelled, or it exhausted its attempts.
 */
public class GearmanJobFailedException extends GearmanJobException {

	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception.
	 * @param function the function
	 * @param handle the job handle
	 */
	public GearmanJobFailedException(String function, String handle) {
		super("Job " + handle + " of function '" + function + "' failed", function, handle);
	}

}
