package dev.gearman.spring.core;

/**
 * Records client calls and worker executions, for metrics. The Micrometer implementation is wired when Micrometer
 * is present; {@link #NONE} otherwise.
 */
public interface JobRecorder {

	/** Records nothing. */
	JobRecorder NONE = (kind, function) -> (outcome) -> {
	};

	/**
	 * Starts recording one call or execution.
	 * @param kind {@code client} or {@code worker}
	 * @param function the function name
	 * @return the recording to stop
	 */
	Recording start(String kind, String function);

	/**
	 * One call or execution in progress.
	 */
	@FunctionalInterface
	interface Recording {

		/**
		 * Ends the recording.
		 * @param outcome {@code success}, {@code fail}, {@code exception}, {@code timeout} or {@code error}
		 */
		void stop(String outcome);

	}

	/**
	 * The outcome name for a call that ended with a throwable.
	 * @param failure the failure, {@code null} for success
	 * @return the outcome
	 */
	static String outcome(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause == null) {
			return "success";
		}
		if (cause instanceof dev.gearman.client.GearmanJobFailedException
				|| cause instanceof dev.gearman.worker.FailJobException) {
			return "fail";
		}
		if (cause instanceof dev.gearman.client.GearmanTimeoutException) {
			return "timeout";
		}
		if (cause instanceof dev.gearman.client.GearmanWorkerException) {
			return "exception";
		}
		return "error";
	}

}
