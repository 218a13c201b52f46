package dev.gearman.client;

/**
 * The job server refused a request with an ERROR packet, e.g. {@code QUEUE_ERROR} when a queue is full.
 */
public class GearmanServerErrorException extends GearmanJobException {

	private static final long serialVersionUID = 1L;

	private final String code;

	/**
	 * Creates an exception.
	 * @param function the function of the refused request ("" if none)
	 * @param code the error code
	 * @param text the error text
	 */
	public GearmanServerErrorException(String function, String code, String text) {
		super("Job server refused " + (function.isEmpty() ? "the request" : "a job of function '" + function + "'")
				+ ": " + code + " " + text, function, null);
		this.code = code;
	}

	public String code() {
		return this.code;
	}

}
