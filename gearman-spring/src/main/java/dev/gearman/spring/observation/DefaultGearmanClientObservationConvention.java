package dev.gearman.spring.observation;

import dev.gearman.spring.observation.GearmanObservationDocumentation.HighCardinalityKeys;
import dev.gearman.spring.observation.GearmanObservationDocumentation.LowCardinalityKeys;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * The default keys of client observations: {@code gearman.function} and {@code gearman.outcome} (low cardinality),
 * {@code gearman.job.handle} (high cardinality, once known). Spans are named {@code call <function>},
 * {@code submit <function>} and {@code status}.
 */
public class DefaultGearmanClientObservationConvention implements GearmanClientObservationConvention {

	/** A shared instance. */
	public static final DefaultGearmanClientObservationConvention INSTANCE = new DefaultGearmanClientObservationConvention();

	/**
	 * No name of its own: each kind of operation keeps the name {@link GearmanObservationDocumentation} gives it
	 * ({@code gearman.client.calls}, {@code gearman.client.submissions}, {@code gearman.client.status.queries}),
	 * which a convention's name would replace.
	 * @return {@code null}
	 */
	@Override
	public @Nullable String getName() {
		return null;
	}

	@Override
	public String getContextualName(GearmanClientObservationContext context) {
		return switch (context.getOperation()) {
			case CALL -> "call " + context.getSubject();
			case SUBMISSION -> "submit " + context.getSubject();
			case STATUS -> "status";
			case EXECUTION -> "execute " + context.getSubject();
		};
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(GearmanClientObservationContext context) {
		return KeyValues.of(LowCardinalityKeys.FUNCTION.withValue(context.getSubject()),
				LowCardinalityKeys.OUTCOME.withValue(context.getOutcome()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(GearmanClientObservationContext context) {
		String handle = context.getHandle();
		return (handle != null) ? KeyValues.of(HighCardinalityKeys.JOB_HANDLE.withValue(handle)) : KeyValues.empty();
	}

}
