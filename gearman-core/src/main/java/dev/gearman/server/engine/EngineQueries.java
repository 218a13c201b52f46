package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The questions a dashboard or an operator asks, answered on the engine thread at the cost of the answer: one page
 * of a function's jobs in one state, one job by handle or unique id, per-function run statistics.
 * Engine-thread only.
 */
final class EngineQueries {

	/** The furthest a page may start into a list: paging deeper would walk too far on the engine thread. */
	static final int MAX_OFFSET = 100_000;

	private final JobRegistry registry;

	private final FunctionTable functions;

	EngineQueries(JobRegistry registry, FunctionTable functions) {
		this.registry = registry;
		this.functions = functions;
	}

	/** A page of a function's jobs in a state; QUEUED lists jobs being stored too, in queue order. */
	JobPage jobs(String name, JobState state, int offset, int limit) {
		JobFunction function = this.functions.existing(name);
		if (function == null || offset > MAX_OFFSET) {
			return new JobPage(List.of(), (function != null) ? function.count(state) : 0);
		}
		List<EngineReport.JobInfo> page = new ArrayList<>(Math.min(limit, 1000));
		int total = switch (state) {
			case QUEUED, STORING -> {
				int seen = 0;
				for (Priority priority : FunctionTable.priorities()) {
					for (Job job = function.queue(priority).peekFirst(); job != null; job = job.next) {
						seen = add(page, job, seen, offset, limit);
					}
				}
				yield function.count(JobState.QUEUED) + function.count(JobState.STORING);
			}
			case RUNNING, ABANDONED -> {
				walk(function.running, page, offset, limit);
				yield function.running();
			}
			case SCHEDULED, WAITING -> {
				int seen = 0;
				for (Job job : this.registry.due()) {
					if (job.function == function && job.state == state) {
						seen = add(page, job, seen, offset, limit);
						if (page.size() >= limit) {
							break;
						}
					}
				}
				yield function.count(state);
			}
			default -> 0;
		};
		return new JobPage(List.copyOf(page), total);
	}

	private static void walk(Collection<Job> jobs, List<EngineReport.JobInfo> page, int offset, int limit) {
		int seen = 0;
		for (Iterator<Job> it = jobs.iterator(); it.hasNext() && page.size() < limit;) {
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
	EngineReport.@Nullable JobInfo find(String handleOrUnique) {
		Job job = this.registry.byHandle(handleOrUnique);
		if (job == null) {
			job = this.registry.anyByUnique(handleOrUnique);
		}
		return (job != null) ? EngineReport.JobInfo.of(job) : null;
	}

	/** Completed and failed runs and run-time percentiles of every function that ran a job. */
	List<FunctionStatistics> statistics() {
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

}
