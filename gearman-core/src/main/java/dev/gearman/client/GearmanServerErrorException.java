package dev.gearman.client;

/**
 * The job server refused a request with an ERROR packet, e.g. {@code QUEUE_ERROR} when a queue is full.
 */
public class GearmanServerErrorException extends GearmanJobException {

	private static final long serialVersionUID = 1L;

	private final String code;

	private final String text;

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
		this.text = text;
	}

	/**
	 * The error code, e.g. {@code QUEUE_ERROR}.
	 * @return the code
	 */
	public String code() {
		return this.code;
	}

	/**
	 * The server's error text.
	 * @return the text
	 */
	public String text() {
		return this.text;
	}

}
