package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * The questions a dashboard or an operator asks the engine, each answered on the engine thread at the cost of the
 * answer: one page of a function's jobs in one state, a page of the jobs that wait for their time, one job by handle
 * or unique id (with the start of its payload), per-function run statistics, and counters that cost nothing to read.
 * Nothing here walks more than a page beyond its offset, and offsets and scans are capped, so no question can hold
 * the engine thread for long. Thread-safe: get it from {@link JobEngine#queries()}.
 */
public final class EngineQueries {

	/** The furthest a page may start into a list: paging deeper would walk too far on the engine thread. */
	public static final int MAX_OFFSET = 100_000;

	/** The most jobs one page returns. */
	public static final int MAX_LIMIT = 1000;

	/**
	 * The most entries of the due schedule one page looks at: epoch jobs and retries share the schedule, so a page of
	 * one kind may have to step over the other.
	 */
	static final int MAX_DUE_SCAN = 250_000;

	private final JobEngine engine;

	private final JobRegistry registry;

	private final FunctionTable functions;

	private final Collection<Session> sessions;

	EngineQueries(JobEngine engine, JobRegistry registry, FunctionTable functions, Collection<Session> sessions) {
		this.engine = engine;
		this.registry = registry;
		this.functions = functions;
		this.sessions = sessions;
	}

	/**
	 * One page of a function's jobs in one state: jobs being stored are listed with the queued ones (in queue order,
	 * high priority first), abandoned ones with the running ones.
	 * @param function the function name
	 * @param state the state
	 * @param offset jobs to skip, at most {@value #MAX_OFFSET}
	 * @param limit most jobs to return, at most {@value #MAX_LIMIT}
	 * @return the page and the total, completed on the engine thread
	 */
	public CompletableFuture<JobPage> jobs(String function, JobState state, int offset, int limit) {
		return this.engine.call(() -> jobsNow(function, state, Math.max(0, offset), clamp(limit)));
	}

	/**
	 * One page of the jobs that wait for their time, by due time: epoch jobs ({@link JobState#SCHEDULED}) or failed
	 * jobs waiting for their next attempt ({@link JobState#WAITING}), of one function or of all.
	 * @param function the function name, or {@code null} for every function
	 * @param state {@link JobState#SCHEDULED} or {@link JobState#WAITING}
	 * @param offset jobs to skip, at most {@value #MAX_OFFSET}
	 * @param limit most jobs to return, at most {@value #MAX_LIMIT}
	 * @return the page and the total, completed on the engine thread
	 */
	public CompletableFuture<JobPage> dueJobs(@Nullable String function, JobState state, int offset, int limit) {
		requireDueState(state);
		return this.engine.call(() -> {
			JobFunction known = (function != null) ? this.functions.existing(function) : null;
			if (function != null && known == null) {
				return new JobPage(List.of(), 0);
			}
			return due(known, state, Math.max(0, offset), clamp(limit));
		});
	}

	/**
	 * Finds a job by handle, or else by unique id.
	 * @param handleOrUnique the handle or unique id
	 * @return the job, or empty, completed on the engine thread
	 */
	public CompletableFuture<Optional<EngineReport.JobInfo>> findJob(String handleOrUnique) {
		return this.engine.call(() -> Optional.ofNullable(find(handleOrUnique)).map(EngineReport.JobInfo::of));
	}

	/**
	 * A job by handle, or else by unique id, with the start of its payload and what its failed attempts left.
	 * @param handleOrUnique the handle or unique id
	 * @param maxPayloadBytes the most payload bytes returned
	 * @return the job, or empty, completed on the engine thread
	 */
	public CompletableFuture<Optional<JobDetail>> job(String handleOrUnique, int maxPayloadBytes) {
		return this.engine.call(() -> Optional.ofNullable(find(handleOrUnique))
			.map((job) -> JobDetail.of(job, Math.max(0, maxPayloadBytes))));
	}

	/**
	 * Completed and failed runs and run-time percentiles of every function that ran a job since start.
	 * @return the statistics, completed on the engine thread
	 */
	public CompletableFuture<List<FunctionStatistics>> statistics() {
		return this.engine.call(this::statisticsNow);
	}

	/**
	 * Counters over all functions, read in constant time whatever the number of functions and jobs: cheap enough to
	 * sample every few seconds for a chart.
	 * @return the counters, completed on the engine thread
	 */
	public CompletableFuture<Counters> counters() {
		JobCounts counts = this.registry.counts();
		return this.engine.call(() -> new Counters(this.sessions.size(),
				counts.count(JobState.QUEUED) + counts.count(JobState.STORING), counts.running(),
				counts.count(JobState.WAITING), counts.count(JobState.SCHEDULED), counts.ended(EndReason.COMPLETED),
				counts.ended(EndReason.FAILED) + counts.ended(EndReason.DEAD)));
	}

	static void requireDueState(JobState state) {
		if (state != JobState.SCHEDULED && state != JobState.WAITING) {
			throw new IllegalArgumentException("state: " + state + " (expected: SCHEDULED or WAITING)");
		}
	}

	private static int clamp(int limit) {
		return Math.max(0, Math.min(limit, MAX_LIMIT));
	}

	/** A page of a function's jobs in a state; QUEUED lists jobs being stored too, in queue order. */
	JobPage jobsNow(String name, JobState state, int offset, int limit) {
		JobFunction function = this.functions.existing(name);
		if (function == null || offset > MAX_OFFSET) {
			return new JobPage(List.of(), (function != null) ? function.count(state) : 0);
		}
		return switch (state) {
			case QUEUED, STORING -> {
				List<EngineReport.JobInfo> page = new ArrayList<>(Math.min(limit, 100));
				int seen = 0;
				for (Priority priority : FunctionTable.priorities()) {
					for (Job job = function.queue(priority).peekFirst(); job != null && page.size() < limit;
							job = job.next) {
						seen = add(page, job, seen, offset, limit);
					}
				}
				yield new JobPage(List.copyOf(page),
						function.count(JobState.QUEUED) + function.count(JobState.STORING));
			}
			case RUNNING, ABANDONED -> {
				List<EngineReport.JobInfo> page = new ArrayList<>(Math.min(limit, 100));
				walk(function.running, page, offset, limit);
				yield new JobPage(List.copyOf(page), function.running());
			}
			case SCHEDULED, WAITING -> due(function, state, offset, limit);
			default -> new JobPage(List.of(), 0);
		};
	}

	/** A page of the due schedule's jobs in a state, of one function or all, stepping over at most a bounded number. */
	private JobPage due(@Nullable JobFunction function, JobState state, int offset, int limit) {
		int total = (function != null) ? function.count(state) : this.registry.counts().count(state);
		if (offset > MAX_OFFSET) {
			return new JobPage(List.of(), total);
		}
		List<EngineReport.JobInfo> page = new ArrayList<>(Math.min(limit, 100));
		int seen = 0;
		int scanned = 0;
		for (Iterator<Job> it = this.registry.due().iterator(); it.hasNext() && page.size() < limit
				&& seen < total && scanned < MAX_DUE_SCAN; scanned++) {
			Job job = it.next();
			if (job.state == state && (function == null || job.function == function)) {
				seen = add(page, job, seen, offset, limit);
			}
		}
		return new JobPage(List.copyOf(page), total);
	}

	private static void walk(Collection<Job> jobs, List<EngineReport.JobInfo> page, int offset, int limit) {
		int seen = 0;
		for (Iterator<Job> it = jobs.iterator(); it.hasNext() && page.size() < limit && seen < offset + limit;) {
			seen = add(page, it.next(), seen, offset, limit);
		}
	}

	private static int add(List<EngineReport.JobInfo> page, Job job, int seen, int offset, int limit) {
		if (seen >= offset && page.size() < limit) {
			page.add(EngineReport.JobInfo.of(job));
		}
		return seen + 1;
	}

	/** The job with this handle, or else the (any) job with this unique id. */
	@Nullable Job find(String handleOrUnique) {
		Job job = this.registry.byHandle(handleOrUnique);
		return (job != null) ? job : this.registry.anyByUnique(handleOrUnique);
	}

	/** Completed and failed runs and run-time percentiles of every function that ran a job. */
	List<FunctionStatistics> statisticsNow() {
		List<FunctionStatistics> statistics = new ArrayList<>();
		for (JobFunction function : this.functions.all()) {
			RunTimes times = function.runTimes;
			if (times.completed + times.failed > 0) {
				statistics.add(new FunctionStatistics(function.name, times.completed, times.failed,
						times.percentileMicros(0.5), times.percentileMicros(0.99)));
			}
		}
		return statistics;
	}

	/**
	 * A page of jobs.
	 *
	 * @param jobs the jobs of the page
	 * @param total how many jobs the list has in all
	 */
	public record JobPage(List<EngineReport.JobInfo> jobs, int total) {
	}

	/**
	 * What a function's jobs did on their workers since the server started.
	 *
	 * @param function the function name
	 * @param completed runs that ended in WORK_COMPLETE
	 * @param failed runs that ended in WORK_FAIL or WORK_EXCEPTION
	 * @param runP50Micros median run time, microseconds (within 19 %)
	 * @param runP99Micros 99th percentile run time, microseconds (within 19 %)
	 */
	public record FunctionStatistics(String function, long completed, long failed, long runP50Micros,
			long runP99Micros) {
	}

	/**
	 * One job with the start of its payload.
	 *
	 * @param job the job
	 * @param payload the payload's first bytes, at most what was asked for
	 * @param payloadSize the payload's length in bytes
	 * @param dueMillis when it is due, epoch milliseconds, for an epoch job or one waiting for its next attempt (as in
	 * {@link EngineReport.JobInfo#dueMillis()})
	 * @param lastError why its last attempt failed, if one did
	 * @param lastWorker the client id of the worker of its last failed attempt, if one did
	 * @param firstAttemptMillis when its first attempt started, epoch milliseconds, if one did
	 */
	public record JobDetail(EngineReport.JobInfo job, byte[] payload, int payloadSize, @Nullable Long dueMillis,
			@Nullable String lastError, @Nullable String lastWorker, @Nullable Long firstAttemptMillis) {

		static JobDetail of(Job job, int maxPayloadBytes) {
			ByteBuf buffer = job.payloadBuffer;
			byte[] head;
			if (buffer != null) {
				head = ByteBufUtil.getBytes(buffer, buffer.readerIndex(),
						Math.min(maxPayloadBytes, buffer.readableBytes()));
			}
			else {
				head = Arrays.copyOf(job.data, Math.min(maxPayloadBytes, job.data.length));
			}
			boolean due = job.state == JobState.SCHEDULED || job.state == JobState.WAITING;
			return new JobDetail(EngineReport.JobInfo.of(job), head, job.payloadSize, due ? job.dueMillis : null,
					job.lastError, job.lastWorker, (job.firstAttemptMillis > 0) ? job.firstAttemptMillis : null);
		}

	}

	/**
	 * Counters over all functions at one moment.
	 *
	 * @param connections open connections
	 * @param queued jobs in their queues, those being stored included
	 * @param running jobs held by workers
	 * @param waiting failed jobs waiting for their next attempt
	 * @param scheduled epoch jobs whose time has not come
	 * @param completed jobs that ended completed since start
	 * @param failed jobs that ended failed or dead since start
	 */
	public record Counters(int connections, int queued, int running, int waiting, int scheduled, long completed,
			long failed) {
	}

}
