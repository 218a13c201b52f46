package dev.gearman.client;

import java.nio.charset.StandardCharsets;

/**
 * The worker raised an exception (WORK_EXCEPTION). The worker's payload, usually a message, is kept as sent.
 */
public class GearmanWorkerException extends GearmanJobException {

	private static final long serialVersionUID = 1L;

	private final byte[] payload;

	/**
	 * Creates an exception.
	 * @param function the function
	 * @param handle the job handle
	 * @param payload what the worker sent with WORK_EXCEPTION
	 */
	public GearmanWorkerException(String function, String handle, byte[] payload) {
		super("Job " + handle + " of function '" + function + "' raised: "
				+ new String(payload, StandardCharsets.UTF_8), function, handle);
		this.payload = payload.clone();
	}

	/**
	 * The exception payload as the worker sent it.
	 * @return a copy of the payload
	 */
	public byte[] payload() {
		return this.payload.clone();
	}

}
