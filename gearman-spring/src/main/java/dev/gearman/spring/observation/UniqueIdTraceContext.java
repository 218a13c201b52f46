package dev.gearman.spring.observation;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import dev.gearman.protocol.GearmanConstants;
import org.jspecify.annotations.Nullable;

/**
 * Carries the trace context from a caller to the worker in the job's unique id, the one field of a Gearman job
 * that every server and client library passes along unchanged: a call that sets no unique id of its own is
 * submitted with the W3C {@code traceparent} of its client span ({@code 00-<trace id>-<span id>-<flags>}, 55
 * bytes), or with a single-header B3 context, as its unique id, and a worker whose unique id has that form continues
 * the trace. Other workers see an ordinary unique id.
 * <p>
 * Unique ids coalesce: two calls of a function with the same unique id share one job. Each call has a client span
 * of its own, so two calls never send the same {@code traceparent}; but a caller that sets the same {@code traceparent}
 * as a unique id by hand would make its calls share one job. Background jobs keep such a unique id in a durable
 * store like any other.
 */
public final class UniqueIdTraceContext {

	/** The W3C Trace Context header. */
	public static final String TRACEPARENT = "traceparent";

	/** The single-header B3 format. */
	public static final String B3 = "b3";

	private static final Pattern TRACEPARENT_FORMAT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

	private static final Pattern B3_FORMAT = Pattern
		.compile("(?:[0-9a-f]{16}|[0-9a-f]{32})-[0-9a-f]{16}(?:-[01d](?:-[0-9a-f]{16})?)?");

	private UniqueIdTraceContext() {
	}

	/**
	 * The unique id to send for the trace context a propagator wrote.
	 * @param carrier the fields the propagator wrote
	 * @return {@code traceparent}, or else {@code b3}, if one was written and fits a unique id; {@code null} if none
	 */
	public static @Nullable String toUnique(Map<String, String> carrier) {
		String traceparent = carrier.get(TRACEPARENT);
		if (traceparent != null && fits(traceparent) && TRACEPARENT_FORMAT.matcher(traceparent).matches()) {
			return traceparent;
		}
		String b3 = carrier.get(B3);
		if (b3 != null && fits(b3) && B3_FORMAT.matcher(b3).matches()) {
			return b3;
		}
		return null;
	}

	/**
	 * A propagation field read from a job's unique id.
	 * @param unique the job's unique id
	 * @param key the field a propagator asks for
	 * @return the unique id if the key is {@code traceparent} or {@code b3} and the unique id has that form, else
	 * {@code null}
	 */
	public static @Nullable String field(String unique, String key) {
		if (TRACEPARENT.equals(key) && TRACEPARENT_FORMAT.matcher(unique).matches()) {
			return unique;
		}
		if (B3.equals(key) && B3_FORMAT.matcher(unique).matches()) {
			return unique;
		}
		return null;
	}

	private static boolean fits(String value) {
		return value.getBytes(StandardCharsets.UTF_8).length <= GearmanConstants.MAX_UNIQUE_SIZE;
	}

}
