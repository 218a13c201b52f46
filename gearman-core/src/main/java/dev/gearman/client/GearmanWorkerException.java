package dev.gearman.client;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.gearman.server.retry.RetryPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The worker raised an exception (WORK_EXCEPTION). The worker's payload, usually a message, is kept as sent. Our
 * worker (and many others) send {@code ExceptionClass: message}, optionally after the {@code [no-retry]} marker that
 * asks a retrying server to end the job at once; {@link #exceptionType()} and {@link #exceptionMessage()} give the
 * two parts.
 */
public class GearmanWorkerException extends GearmanJobException {

	private static final long serialVersionUID = 1L;

	private static final String JAVA_NAME = "[\\p{L}_$][\\p{L}\\p{N}_$]*";

	/** {@code [no-retry] } (optional), a Java class name, {@code ": "}, the message. */
	private static final Pattern JAVA_EXCEPTION = Pattern.compile("(?s)(?:" + Pattern.quote(RetryPolicy.NO_RETRY_MARKER)
			+ "\\s*)?(" + JAVA_NAME + "(?:\\." + JAVA_NAME + ")+): (.*)");

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

	/**
	 * The class of the worker's exception, when the payload reads {@code ExceptionClass: message}.
	 * @return the class name, {@code null} if the payload has another form
	 */
	public @Nullable String exceptionType() {
		Matcher matcher = JAVA_EXCEPTION.matcher(text());
		return matcher.matches() ? matcher.group(1) : null;
	}

	/**
	 * The worker's message: the payload without the exception class (and marker), if it names one.
	 * @return the message
	 */
	public String exceptionMessage() {
		String text = text();
		Matcher matcher = JAVA_EXCEPTION.matcher(text);
		return matcher.matches() ? matcher.group(2) : text;
	}

	private String text() {
		return new String(this.payload, StandardCharsets.UTF_8);
	}

}
