package dev.gearman.client;

/**
 * No worker has registered the function, and the client asked to be told at once instead of waiting for its
 * timeout ({@link GearmanClientSettings#failIfNoWorker()}; the job server answered ERROR {@code NO_WORKER}). No job
 * was created, so a call that failed this way never runs.
 */
public class GearmanNoWorkerException extends GearmanServerErrorException {

	private static final long serialVersionUID = 1L;

	/** The ERROR code our job server answers a foreground submission with when no worker serves the function. */
	public static final String CODE = "NO_WORKER";

	/**
	 * Creates an exception.
	 * @param function the function
	 * @param text the server's error text
	 */
	public GearmanNoWorkerException(String function, String text) {
		super(function, CODE, text);
	}

}
