package dev.gearman.dashboard.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.gearman.dashboard.DashboardSnapshot;
import dev.gearman.dashboard.PayloadView;
import dev.gearman.dashboard.ThroughputHistory;
import dev.gearman.server.engine.EngineQueries;
import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.StoredDeadLetter;
import org.jspecify.annotations.Nullable;

/**
 * What the pages and the JSON API show of jobs, workers, dead letters and history, the same for both: unique ids,
 * client ids, payloads and results only for operators (others see {@value DashboardUser#REDACTED} or nothing).
 */
public final class DashboardViews {

	private DashboardViews() {
	}

	/** A job with its unique id shown as the user may see it. */
	static EngineReport.JobInfo job(EngineReport.JobInfo job, DashboardUser user) {
		return user.operator() ? job : new EngineReport.JobInfo(job.handle(), job.function(), user.shown(job.unique()),
				job.priority(), job.state(), job.background(), job.retries(), job.persisted(), job.worker(),
				job.clients(), job.whenToRun(), job.dueMillis());
	}

	/** A worker with its client id shown as the user may see it. */
	static EngineReport.WorkerInfo worker(EngineReport.WorkerInfo worker, DashboardUser user) {
		return user.operator() ? worker : new EngineReport.WorkerInfo(worker.id(), worker.address(),
				user.shown(worker.clientId()), worker.identity(), worker.functions(), worker.runningJobs(),
				worker.sleeping(), worker.connectedSince(), worker.runningHandles(), worker.functionCount());
	}

	/**
	 * The overview: the server, the totals and the last hour.
	 *
	 * @param server the listener
	 * @param store where background jobs are kept
	 * @param totals counts over all functions
	 * @param takenAt when the snapshot was taken
	 * @param history the points of the charts, oldest first
	 */
	public record Overview(DashboardSnapshot.ServerInfo server, DashboardSnapshot.StoreInfo store,
			DashboardSnapshot.Totals totals, Instant takenAt, List<ThroughputHistory.Point> history) {
	}

	/**
	 * A live job in detail.
	 *
	 * @param job the job
	 * @param payload the start of its payload, for operators only
	 * @param payloadSize the payload's length in bytes
	 * @param due when it is due, for a scheduled job or one waiting for its next attempt
	 * @param lastError why its last attempt failed
	 * @param lastWorker the client id of the worker of its last failed attempt
	 * @param firstAttempt when its first attempt started
	 * @param historyEnabled whether the server records job history
	 * @param history its events, oldest first
	 */
	public record JobDetail(EngineReport.JobInfo job, @Nullable PayloadView payload, int payloadSize,
			@Nullable Instant due, @Nullable String lastError, @Nullable String lastWorker,
			@Nullable Instant firstAttempt, boolean historyEnabled, List<Event> history) {

		static JobDetail of(EngineQueries.JobDetail detail, boolean historyEnabled, List<JobEvent> events,
				DashboardUser user) {
			return new JobDetail(DashboardViews.job(detail.job(), user),
					user.operator() ? PayloadView.of(detail.payload(), detail.payloadSize()) : null,
					detail.payloadSize(), instant(detail.dueMillis()), detail.lastError(),
					(detail.lastWorker() != null) ? user.shown(detail.lastWorker()) : null,
					instant(detail.firstAttemptMillis()), historyEnabled, events(events, user));
		}

	}

	/**
	 * A job that is no longer live, known by its history only.
	 *
	 * @param query the handle or unique id asked for
	 * @param historyEnabled whether the server records job history
	 * @param history the events found, oldest first
	 */
	public record PastJob(String query, boolean historyEnabled, List<Event> history) {
	}

	/**
	 * One event of a job's history.
	 *
	 * @param at when
	 * @param type SUBMITTED, RESTORED, REQUEUED, ATTEMPT_FAILED, COMPLETED, FAILED, DEAD or CANCELLED
	 * @param attempt the attempts made
	 * @param handle the job handle of the event
	 * @param function the function name
	 * @param unique the unique id
	 * @param worker the worker's client id, where one was involved
	 * @param detail why an attempt failed or the job ended
	 * @param resultSize a completed job's result length in bytes
	 * @param result the start of a completed job's result, if kept, for operators only
	 */
	public record Event(Instant at, String type, int attempt, String handle, String function, String unique,
			@Nullable String worker, @Nullable String detail, long resultSize, @Nullable PayloadView result) {

		static Event of(JobEvent event, DashboardUser user) {
			byte[] result = event.result();
			return new Event(Instant.ofEpochMilli(event.atMillis()), event.type().name(), event.attempt(),
					event.handle(), event.function(), user.shown(event.unique()),
					(event.worker() != null) ? user.shown(event.worker()) : null, event.detail(), event.resultSize(),
					(result != null && user.operator()) ? PayloadView.of(result, (int) event.resultSize()) : null);
		}

	}

	static List<Event> events(List<JobEvent> events, DashboardUser user) {
		return events.stream().map((event) -> Event.of(event, user)).toList();
	}

	/**
	 * A dead letter.
	 *
	 * @param id its id
	 * @param function the function name
	 * @param unique the unique id
	 * @param priority HIGH, NORMAL or LOW
	 * @param attempts the attempts made
	 * @param firstAttempt when the first attempt started
	 * @param died when the last attempt ended
	 * @param lastError why the last attempt failed
	 * @param worker the client id of the last attempt's worker
	 * @param size the payload's length in bytes
	 * @param payload the start of the payload, in a letter's own view and for operators only
	 */
	public record DeadLetter(long id, String function, String unique, String priority, int attempts,
			@Nullable Instant firstAttempt, Instant died, String lastError, String worker, int size,
			@Nullable PayloadView payload) {

		static DeadLetter of(StoredDeadLetter letter, boolean withPayload, DashboardUser user) {
			String priority = switch (letter.priority()) {
				case 0 -> "HIGH";
				case 2 -> "LOW";
				default -> "NORMAL";
			};
			return new DeadLetter(letter.id(), letter.function(), user.shown(letter.unique()), priority,
					letter.attempts(), instant(letter.firstAttemptMillis()),
					Instant.ofEpochMilli(letter.lastAttemptMillis()), letter.lastError(), user.shown(letter.worker()),
					letter.dataSize(),
					(withPayload && user.operator()) ? PayloadView.of(letter.data(), letter.dataSize()) : null);
		}

	}

	/**
	 * A page of dead letters.
	 *
	 * @param counts letters per function, over all letters
	 * @param letters the page, oldest first
	 * @param next the id to ask for the next page with ({@code after}), {@code null} on the last page
	 */
	public record DeadLetterPage(Map<String, Long> counts, List<DeadLetter> letters, @Nullable Long next) {
	}

	private static @Nullable Instant instant(@Nullable Long millis) {
		return (millis != null && millis > 0) ? Instant.ofEpochMilli(millis) : null;
	}

}
