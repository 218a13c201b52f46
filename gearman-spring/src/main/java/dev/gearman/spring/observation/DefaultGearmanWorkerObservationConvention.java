package dev.gearman.spring.observation;

import dev.gearman.spring.observation.GearmanObservationDocumentation.HighCardinalityKeys;
import dev.gearman.spring.observation.GearmanObservationDocumentation.LowCardinalityKeys;
import io.micrometer.common.KeyValues;

/**
 * The default keys of worker observations: {@code gearman.function} and {@code gearman.outcome} (low cardinality),
 * {@code gearman.job.handle} (high cardinality). Spans are named {@code execute <function>}.
 */
public class DefaultGearmanWorkerObservationConvention implements GearmanWorkerObservationConvention {

	/** A shared instance. */
	public static final DefaultGearmanWorkerObservationConvention INSTANCE = new DefaultGearmanWorkerObservationConvention();

	@Override
	public String getName() {
		return GearmanObservationDocumentation.WORKER_EXECUTION.getName();
	}

	@Override
	public String getContextualName(GearmanWorkerObservationContext context) {
		return "execute " + context.getJob().function();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(GearmanWorkerObservationContext context) {
		return KeyValues.of(LowCardinalityKeys.FUNCTION.withValue(context.getJob().function()),
				LowCardinalityKeys.OUTCOME.withValue(context.getOutcome()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(GearmanWorkerObservationContext context) {
		return KeyValues.of(HighCardinalityKeys.JOB_HANDLE.withValue(context.getJob().handle()));
	}

}
