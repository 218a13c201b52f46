package dev.gearman.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The keys and names of client observations; a bean of this type replaces the default.
 */
public interface GearmanClientObservationConvention extends ObservationConvention<GearmanClientObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof GearmanClientObservationContext;
	}

}
