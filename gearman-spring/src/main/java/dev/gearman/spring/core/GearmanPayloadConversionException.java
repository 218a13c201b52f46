package dev.gearman.spring.core;

import dev.gearman.client.GearmanJobException;
import dev.gearman.client.GearmanWorkerException;
import dev.gearman.worker.PermanentJobFailure;
import org.jspecify.annotations.Nullable;

/**
 * A workload or a result could not be converted between bytes and the Java type a caller or a worker method uses:
 * JSON that does not fit the record, a value Jackson cannot write, bytes that are not the expected JSON. Names the
 * function, the type and which payload it was, and whether it happened here or on the worker.
 * <p>
 * On a worker the job fails with WORK_EXCEPTION {@code [no-retry] dev.gearman.spring.core.GearmanPayloadConversionException: …}
 * (running it again cannot help, so a retrying job server ends it at once), and {@link GearmanTemplate} turns that
 * back into this exception, with {@link #isRemote()} set.
 */
public class GearmanPayloadConversionException extends GearmanJobException implements PermanentJobFailure {

	private static final long serialVersionUID = 1L;

	private static final String WORKLOAD = "Cannot convert the workload";

	private final Payload payload;

	private final String type;

	private final boolean remote;

	/**
	 * A conversion that failed in this application.
	 * @param function the function
	 * @param handle the job handle, {@code null} before the job was submitted
	 * @param payload which payload
	 * @param type the Java type converted from or to
	 * @param cause what the converter threw
	 */
	public GearmanPayloadConversionException(String function, @Nullable String handle, Payload payload, String type,
			Throwable cause) {
		super(((payload == Payload.REQUEST) ? WORKLOAD : "Cannot convert the result") + " of function '" + function
				+ "' (" + type + "): " + cause.getMessage(), function, handle, cause);
		this.payload = payload;
		this.type = type;
		this.remote = false;
	}

	private GearmanPayloadConversionException(GearmanWorkerException fromWorker, Payload payload) {
		super("Worker could not convert: " + fromWorker.exceptionMessage(), fromWorker.function(),
				fromWorker.handle(), fromWorker);
		this.payload = payload;
		this.type = "";
		this.remote = true;
	}

	/**
	 * The conversion failure a worker reported, if that is what the exception is.
	 * @param failure what a call failed with
	 * @return the failure as a {@link GearmanPayloadConversionException} if a worker sent one, else {@code failure}
	 */
	public static Throwable fromWorker(Throwable failure) {
		if (failure instanceof GearmanWorkerException worker
				&& GearmanPayloadConversionException.class.getName().equals(worker.exceptionType())) {
			Payload payload = worker.exceptionMessage().startsWith(WORKLOAD) ? Payload.REQUEST : Payload.RESULT;
			return new GearmanPayloadConversionException(worker, payload);
		}
		return failure;
	}

	/**
	 * Which payload could not be converted.
	 * @return the request (workload) or the result
	 */
	public Payload payload() {
		return this.payload;
	}

	/**
	 * The Java type converted from or to; empty when the worker reported the failure (its message names the type).
	 * @return the type name
	 */
	public String type() {
		return this.type;
	}

	/**
	 * Whether the worker reported the failure, rather than this application.
	 * @return {@code true} if the conversion failed on the worker
	 */
	public boolean isRemote() {
		return this.remote;
	}

	/**
	 * A job's two payloads.
	 */
	public enum Payload {

		/** The workload the client sends and the worker reads. */
		REQUEST,

		/** The result the worker sends and the client reads. */
		RESULT

	}

}
