package dev.gearman.spring.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import dev.gearman.client.GearmanJobFailedException;
import dev.gearman.client.GearmanNoWorkerException;
import dev.gearman.client.GearmanTimeoutException;
import dev.gearman.client.GearmanWorkerException;
import dev.gearman.connection.GearmanConnectionException;
import dev.gearman.worker.FailJobException;
import org.jspecify.annotations.Nullable;

/**
 * Records client calls, background submissions, status queries and worker executions, for metrics. The Micrometer
 * implementation is wired when Micrometer is present; {@link #NONE} otherwise. When observations are enabled they
 * take its place (their timers come from the observation handlers), so nothing is counted twice.
 */
public interface JobRecorder {

	/** Records nothing. */
	JobRecorder NONE = (kind, subject) -> (outcome) -> {
	};

	/**
	 * Starts recording one call, submission, status query or execution.
	 * @param kind what is recorded
	 * @param subject the function name; for a status query, how the job is looked up ({@code handle} or
	 * {@code unique})
	 * @return the recording to stop
	 */
	Recording start(Kind kind, String subject);

	/**
	 * One call or execution in progress.
	 */
	@FunctionalInterface
	interface Recording {

		/**
		 * Ends the recording.
		 * @param outcome see {@link JobRecorder#outcome(Throwable)}
		 */
		void stop(String outcome);

	}

	/**
	 * The outcome name of a call, submission, query or execution: {@code success}, {@code fail} (WORK_FAIL),
	 * {@code exception} (WORK_EXCEPTION), {@code conversion} (a payload could not be converted), {@code timeout},
	 * {@code no_worker}, {@code connection} (no job server, or it was lost), {@code cancelled} or {@code error}.
	 * @param failure the failure, {@code null} for success
	 * @return the outcome
	 */
	static String outcome(@Nullable Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause == null) {
			return "success";
		}
		if (cause instanceof GearmanJobFailedException || cause instanceof FailJobException) {
			return "fail";
		}
		if (cause instanceof GearmanPayloadConversionException) {
			return "conversion";
		}
		if (cause instanceof GearmanTimeoutException) {
			return "timeout";
		}
		if (cause instanceof GearmanWorkerException) {
			return "exception";
		}
		if (cause instanceof GearmanNoWorkerException) {
			return "no_worker";
		}
		if (cause instanceof GearmanConnectionException) {
			return "connection";
		}
		if (cause instanceof CancellationException) {
			return "cancelled";
		}
		return "error";
	}

	/**
	 * The outcome name of a job a handler ran: {@code success}, {@code fail} ({@code FailJobException}),
	 * {@code conversion} (the workload or result did not convert) or {@code exception} (anything else it threw).
	 * @param failure what the handler threw, {@code null} if it returned
	 * @return the outcome
	 */
	static String executionOutcome(@Nullable Throwable failure) {
		if (failure == null) {
			return "success";
		}
		if (failure instanceof FailJobException) {
			return "fail";
		}
		return (failure instanceof GearmanPayloadConversionException) ? "conversion" : "exception";
	}

	/**
	 * What is recorded, and the meters it goes to.
	 */
	enum Kind {

		/** A foreground call: timer {@code gearman.client.calls}, gauge {@code gearman.client.in.flight}. */
		CALL("gearman.client.calls", "gearman.client.in.flight", "function", "Gearman calls made by this application"),

		/** A background submission, until the server accepted (and stored) it: {@code gearman.client.submissions}. */
		SUBMISSION("gearman.client.submissions", null, "function",
				"Gearman background jobs submitted by this application"),

		/** A status query (GET_STATUS, GET_STATUS_UNIQUE): {@code gearman.client.status.queries}. */
		STATUS("gearman.client.status.queries", null, "by", "Gearman job status queries made by this application"),

		/** A job run by a worker: timer {@code gearman.worker.executions}, gauge {@code gearman.worker.in.flight}. */
		EXECUTION("gearman.worker.executions", "gearman.worker.in.flight", "function",
				"Gearman jobs executed by this application");

		private final String meterName;

		private final @Nullable String inFlightGaugeName;

		private final String subjectTag;

		private final String description;

		Kind(String meterName, @Nullable String inFlightGaugeName, String subjectTag, String description) {
			this.meterName = meterName;
			this.inFlightGaugeName = inFlightGaugeName;
			this.subjectTag = subjectTag;
			this.description = description;
		}

		/**
		 * The gauge of calls or executions in flight; submissions and queries are over too quickly to need one.
		 * @return e.g. {@code gearman.client.in.flight}, {@code null} for none
		 */
		public @Nullable String inFlightGaugeName() {
			return this.inFlightGaugeName;
		}

		/**
		 * The timer's name.
		 * @return e.g. {@code gearman.client.calls}
		 */
		public String meterName() {
			return this.meterName;
		}

		/**
		 * The tag that carries the subject: {@code function}, or {@code by} for status queries.
		 * @return the tag key
		 */
		public String subjectTag() {
			return this.subjectTag;
		}

		/**
		 * The timer's description.
		 * @return the description
		 */
		public String description() {
			return this.description;
		}

	}

}
