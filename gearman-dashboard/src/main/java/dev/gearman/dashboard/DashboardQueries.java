package dev.gearman.dashboard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineQueries;
import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.engine.JobState;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.operations.OperationFailedException;
import dev.gearman.server.operations.ServerOperations;
import dev.gearman.server.store.StoredDeadLetter;
import org.jspecify.annotations.Nullable;

/**
 * What the dashboard asks beyond the shared snapshot, one request at a time: a page of a function's queued or
 * running jobs, a page of the jobs waiting for their time, one job with the start of its payload and its history,
 * and the dead letters. Each question is bounded (pages, capped offsets) and waits at most a timeout. Thread-safe.
 */
public final class DashboardQueries {

	/** How long the store has to answer (dead letters, history). */
	static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

	private final GearmanServer server;

	/**
	 * Creates the queries of a server.
	 * @param server the server
	 */
	public DashboardQueries(GearmanServer server) {
		this.server = server;
	}

	/**
	 * A page of a function's queued (and being stored) or running jobs.
	 * @param function the function
	 * @param state {@link JobState#QUEUED} or {@link JobState#RUNNING}
	 * @param page the page number, from 1
	 * @param size the page size
	 * @return the page
	 */
	public Page<EngineReport.JobInfo> jobs(String function, JobState state, int page, int size) {
		int pageSize = Page.size(size);
		int number = Math.max(1, page);
		EngineQueries.JobPage jobs = engine((queries) -> queries.jobs(function, state, (number - 1) * pageSize,
				pageSize));
		return new Page<>(jobs.jobs(), number, pageSize, jobs.total());
	}

	/**
	 * A page of the jobs that wait for their time, by due time.
	 * @param function the function, or {@code null} for all
	 * @param state {@link JobState#SCHEDULED} or {@link JobState#WAITING}
	 * @param page the page number, from 1
	 * @param size the page size
	 * @return the page
	 */
	public Page<EngineReport.JobInfo> due(@Nullable String function, JobState state, int page, int size) {
		int pageSize = Page.size(size);
		int number = Math.max(1, page);
		EngineQueries.JobPage jobs = engine((queries) -> queries.dueJobs(function, state, (number - 1) * pageSize,
				pageSize));
		return new Page<>(jobs.jobs(), number, pageSize, jobs.total());
	}

	/**
	 * A live job, by handle or else by unique id, with the start of its payload.
	 * @param handleOrUnique the handle or unique id
	 * @return the job, or empty if the server holds no such job
	 */
	public Optional<EngineQueries.JobDetail> job(String handleOrUnique) {
		return engine((queries) -> queries.job(handleOrUnique, PayloadView.MAX_BYTES));
	}

	/**
	 * Whether the server records job history.
	 * @return {@code true} if it does
	 */
	public boolean historyEnabled() {
		ServerOperations operations = this.server.operations();
		return operations != null && operations.jobHistory().isEnabled();
	}

	/**
	 * The history of a job, by handle; or, if there is none under that handle, of the jobs with that unique id.
	 * @param handleOrUnique the handle or unique id
	 * @return the events, oldest first; empty when the server records no history
	 */
	public List<JobEvent> history(String handleOrUnique) {
		if (!historyEnabled()) {
			return List.of();
		}
		List<JobEvent> events = store((operations) -> operations.jobHistory().byHandle(handleOrUnique));
		return events.isEmpty() ? store((operations) -> operations.jobHistory().byUnique(handleOrUnique)) : events;
	}

	/**
	 * Dead letters without their payloads, oldest first.
	 * @param function only this function's, or {@code null} for all
	 * @param afterId only letters with a larger id (0 for the first page)
	 * @param limit the most letters
	 * @return the letters
	 */
	public List<StoredDeadLetter> deadLetters(@Nullable String function, long afterId, int limit) {
		return store((operations) -> operations.deadLetters().list(function, Math.max(0, afterId), Page.size(limit)));
	}

	/**
	 * One dead letter with its payload.
	 * @param id the id
	 * @return the letter
	 * @throws DashboardException 404 if there is no such letter
	 */
	public StoredDeadLetter deadLetter(long id) {
		return store((operations) -> operations.deadLetters().get(id));
	}

	/**
	 * Dead letters per function.
	 * @return counts by function
	 */
	public Map<String, Long> deadLetterCounts() {
		return store((operations) -> operations.deadLetters().counts());
	}

	private <T> T engine(Function<EngineQueries, CompletableFuture<T>> query) {
		JobEngine engine = this.server.engine();
		if (engine == null || !this.server.isRunning()) {
			throw DashboardException.unavailable("the job server is not running");
		}
		try {
			return await(query.apply(engine.queries()), DashboardSnapshots.TIMEOUT);
		}
		catch (IllegalArgumentException ex) {
			throw DashboardException.badRequest(ex.getMessage());
		}
	}

	private <T> T store(Function<ServerOperations, CompletableFuture<T>> call) {
		ServerOperations operations = this.server.isRunning() ? this.server.operations() : null;
		if (operations == null) {
			throw DashboardException.unavailable("the job server is not running");
		}
		return await(call.apply(operations), STORE_TIMEOUT);
	}

	/** Waits for an answer, turning failures into the dashboard's. */
	static <T> T await(CompletableFuture<T> future, Duration timeout) {
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw DashboardException.unavailable("interrupted");
		}
		catch (TimeoutException ex) {
			throw DashboardException.unavailable("no answer within " + timeout.toSeconds()
					+ " s; the request may still complete");
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof OperationFailedException failure) {
				throw DashboardException.of(failure);
			}
			if (cause instanceof IllegalArgumentException invalid) {
				throw DashboardException.badRequest(invalid.getMessage());
			}
			throw DashboardException.unavailable(String.valueOf(cause.getMessage()));
		}
	}

}
