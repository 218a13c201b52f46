package dev.gearman.dashboard;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.engine.JobState;
import dev.gearman.server.operations.DeadLetterService;
import dev.gearman.server.operations.ServerOperations;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator does from the dashboard: pause and resume a function, cancel a job, run a waiting job now,
 * cancel the jobs waiting in one state, and requeue, delete or purge dead letters. Each action that changes
 * something is logged at INFO with the name of the user who asked, one line per action. Who may act is decided
 * before (the web layer checks the operator role). Thread-safe.
 */
public final class DashboardActions {

	/** How long a requeue of all of a function's dead letters may take before the answer says it goes on. */
	static final Duration REQUEUE_ALL_TIMEOUT = Duration.ofSeconds(30);

	private static final Logger logger = LoggerFactory.getLogger(DashboardActions.class);

	private final GearmanServer server;

	/**
	 * Creates the actions on a server.
	 * @param server the server
	 */
	public DashboardActions(GearmanServer server) {
		this.server = server;
	}

	/**
	 * Pauses or resumes a function: a paused function takes and stores jobs but hands none out.
	 * @param user who asks
	 * @param function the function
	 * @param paused {@code true} to pause
	 * @throws DashboardException 404 when resuming a function the server does not know, 409 when the server knows
	 * too many functions to pause a new one
	 */
	public void pause(String user, String function, boolean paused) {
		boolean known = engine((engine) -> engine.pause(function, paused));
		if (!known) {
			throw paused ? new DashboardException(409, "TOO_MANY_FUNCTIONS",
					"the server knows too many functions to pause another")
					: DashboardException.notFound("function: " + function + " (expected: a function the server knows)");
		}
		logger.info("Dashboard: {} {} function '{}'", user, paused ? "paused" : "resumed", function);
	}

	/**
	 * Cancels a job: its clients get WORK_FAIL, a queued job goes at once, a running one finishes on its worker with
	 * its result ignored.
	 * @param user who asks
	 * @param handle the job handle
	 * @throws DashboardException 404 if there is no such job
	 */
	public void cancel(String user, String handle) {
		if (!engine((engine) -> engine.cancel(handle))) {
			throw DashboardException.notFound("job: " + handle + " (expected: the handle of a live job)");
		}
		logger.info("Dashboard: {} cancelled job {}", user, handle);
	}

	/**
	 * Queues at once a job that waits for its time: an epoch job, or a failed job before its next attempt.
	 * @param user who asks
	 * @param handle the job handle
	 * @throws DashboardException 404 if no such job waits
	 */
	public void runNow(String user, String handle) {
		if (!engine((engine) -> engine.runNow(handle))) {
			throw DashboardException.notFound("job: " + handle + " (expected: a scheduled job or one waiting to be"
					+ " retried)");
		}
		logger.info("Dashboard: {} queued job {} to run now", user, handle);
	}

	/**
	 * Cancels the jobs that wait in one state, of one function or of all, up to the engine's bound per call.
	 * @param user who asks
	 * @param function the function, or {@code null} for all
	 * @param state {@link JobState#SCHEDULED} or {@link JobState#WAITING}
	 * @return how many were cancelled
	 */
	public int cancelWaiting(String user, @Nullable String function, JobState state) {
		int cancelled;
		try {
			cancelled = engine((engine) -> engine.cancelWaiting(function, state));
		}
		catch (IllegalArgumentException ex) {
			throw DashboardException.badRequest(ex.getMessage());
		}
		logger.info("Dashboard: {} cancelled {} {} jobs ({})", user, cancelled,
				(state == JobState.WAITING) ? "waiting" : "scheduled",
				(function != null) ? "function '" + function + "'" : "all functions");
		return cancelled;
	}

	/**
	 * Requeues a dead letter as a new job.
	 * @param user who asks
	 * @param id the letter's id
	 * @return the new job's handle
	 * @throws DashboardException 404 if there is no such letter, 409 if it cannot be queued now
	 */
	public String requeue(String user, long id) {
		String handle = store((letters) -> letters.requeue(id), DashboardQueries.STORE_TIMEOUT);
		logger.info("Dashboard: {} requeued dead letter {} as job {}", user, id, handle);
		return handle;
	}

	/**
	 * Requeues every dead letter of a function.
	 * @param user who asks
	 * @param function the function
	 * @return how many were requeued and how many stayed
	 */
	public DeadLetterService.RequeueSummary requeueAll(String user, String function) {
		DeadLetterService.RequeueSummary summary = store((letters) -> letters.requeueAll(function),
				REQUEUE_ALL_TIMEOUT);
		logger.info("Dashboard: {} requeued the dead letters of function '{}': {} queued again, {} stayed", user,
				function, summary.requeued(), summary.stayed());
		return summary;
	}

	/**
	 * Deletes a dead letter.
	 * @param user who asks
	 * @param id the letter's id
	 * @throws DashboardException 404 if there is no such letter
	 */
	public void delete(String user, long id) {
		store((letters) -> letters.delete(id), DashboardQueries.STORE_TIMEOUT);
		logger.info("Dashboard: {} deleted dead letter {}", user, id);
	}

	/**
	 * Deletes the dead letters of a function, or all.
	 * @param user who asks
	 * @param function the function, or {@code null} for all
	 * @return how many were deleted
	 */
	public int purge(String user, @Nullable String function) {
		int purged = store((letters) -> letters.purge(function, null), DashboardQueries.STORE_TIMEOUT);
		logger.info("Dashboard: {} purged {} dead letters ({})", user, purged,
				(function != null) ? "function '" + function + "'" : "all functions");
		return purged;
	}

	private <T> T engine(Function<JobEngine, CompletableFuture<T>> action) {
		JobEngine engine = this.server.engine();
		if (engine == null || !this.server.isRunning()) {
			throw DashboardException.unavailable("the job server is not running");
		}
		return DashboardQueries.await(action.apply(engine), DashboardSnapshots.TIMEOUT);
	}

	private <T> T store(Function<DeadLetterService, CompletableFuture<T>> action, Duration timeout) {
		ServerOperations operations = this.server.isRunning() ? this.server.operations() : null;
		if (operations == null) {
			throw DashboardException.unavailable("the job server is not running");
		}
		return DashboardQueries.await(action.apply(operations.deadLetters()), timeout);
	}

}
