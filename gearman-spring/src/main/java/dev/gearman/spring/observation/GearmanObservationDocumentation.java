package dev.gearman.spring.observation;

import dev.gearman.spring.core.JobRecorder;
import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of Gearman work: their names (which the metrics handler uses as timer names) and keys.
 */
public enum GearmanObservationDocumentation implements ObservationDocumentation {

	/** A foreground call, from submission to result. */
	CLIENT_CALL("gearman.client.calls") {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultGearmanClientObservationConvention.class;
		}
	},

	/** A background submission, until the job server accepted (and stored) the job. */
	CLIENT_SUBMISSION("gearman.client.submissions") {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultGearmanClientObservationConvention.class;
		}
	},

	/** A status query by handle or unique id. */
	CLIENT_STATUS("gearman.client.status.queries") {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultGearmanClientObservationConvention.class;
		}
	},

	/** A job run by a worker of this application. */
	WORKER_EXECUTION("gearman.worker.executions") {
		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultGearmanWorkerObservationConvention.class;
		}
	};

	private final String observationName;

	GearmanObservationDocumentation(String observationName) {
		this.observationName = observationName;
	}

	/**
	 * The observation name, also the name of the timer the metrics handler makes.
	 * @return the name
	 */
	@Override
	public String getName() {
		return this.observationName;
	}

	@Override
	public KeyName[] getLowCardinalityKeyNames() {
		return LowCardinalityKeys.values();
	}

	@Override
	public KeyName[] getHighCardinalityKeyNames() {
		return HighCardinalityKeys.values();
	}

	/**
	 * The observation of a client operation.
	 * @param kind the operation
	 * @return its documentation
	 */
	public static GearmanObservationDocumentation of(JobRecorder.Kind kind) {
		return switch (kind) {
			case CALL -> CLIENT_CALL;
			case SUBMISSION -> CLIENT_SUBMISSION;
			case STATUS -> CLIENT_STATUS;
			case EXECUTION -> WORKER_EXECUTION;
		};
	}

	/**
	 * Keys with few values, on timers and spans.
	 */
	public enum LowCardinalityKeys implements KeyName {

		/** The function; for a status query, {@code handle} or {@code unique}. */
		FUNCTION {
			@Override
			public String asString() {
				return "gearman.function";
			}
		},

		/** How it ended: see {@link JobRecorder#outcome(Throwable)}. */
		OUTCOME {
			@Override
			public String asString() {
				return "gearman.outcome";
			}
		}

	}

	/**
	 * Keys with many values, on spans only.
	 */
	public enum HighCardinalityKeys implements KeyName {

		/** The job handle the server gave, when known. */
		JOB_HANDLE {
			@Override
			public String asString() {
				return "gearman.job.handle";
			}
		}

	}

}
