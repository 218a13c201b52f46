package dev.gearman.spring.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.gearman.spring.core.JobRecorder;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of a client observation. Its carrier collects the fields a tracing propagator writes (such as
 * {@code traceparent}), so that the template can send the trace context in the job's unique id.
 */
public class GearmanClientObservationContext extends SenderContext<Map<String, String>> {

	private final JobRecorder.Kind operation;

	private final String subject;

	private @Nullable String handle;

	private String outcome = "unknown";

	/**
	 * Creates a context.
	 * @param kind what is observed: a call, a submission or a status query
	 * @param subject the function; for a status query {@code handle} or {@code unique}
	 */
	public GearmanClientObservationContext(JobRecorder.Kind kind, String subject) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		}, (kind == JobRecorder.Kind.SUBMISSION) ? Kind.PRODUCER : Kind.CLIENT);
		this.operation = kind;
		this.subject = subject;
		setCarrier(new LinkedHashMap<>());
		setRemoteServiceName("gearman");
	}

	/** @return what is observed: a call, a submission or a status query */
	public JobRecorder.Kind getOperation() {
		return this.operation;
	}

	/** @return the function, or {@code handle}/{@code unique} for a status query */
	public String getSubject() {
		return this.subject;
	}

	/** @return the job handle, once known */
	public @Nullable String getHandle() {
		return this.handle;
	}

	/** @param handle the job handle */
	public void setHandle(@Nullable String handle) {
		this.handle = handle;
	}

	/** @return how it ended, see {@link JobRecorder#outcome(Throwable)} */
	public String getOutcome() {
		return this.outcome;
	}

	/** @param outcome how it ended */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}
