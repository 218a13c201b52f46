package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the admin protocol's {@code status}, {@code priority status}, {@code workers} and {@code show jobs} tell,
 * as one structured value taken on the engine thread. Lists of workers and jobs are capped so that a report of a
 * busy server stays small; the totals are exact.
 *
 * @param functions every function, sorted by name
 * @param workers connections that registered a function, at most the cap
 * @param workerCount all connections that registered a function
 * @param jobs jobs in any state, at most the cap, in no particular order
 * @param jobCount all jobs
 */
public record EngineReport(List<EngineSnapshot.FunctionStatus> functions, List<WorkerInfo> workers, int workerCount,
		List<JobInfo> jobs, int jobCount) {

	/** The most handles of running jobs listed per worker. */
	static final int MAX_RUNNING_HANDLES = 16;

	static EngineReport of(FunctionTable table, Collection<Session> sessions, JobRegistry registry, int maxWorkers,
			int maxJobs, int maxFunctionsPerWorker) {
		List<EngineSnapshot.FunctionStatus> functions = EngineSnapshot.FunctionStatus.sorted(table);
		List<WorkerInfo> workers = new ArrayList<>();
		int workerCount = 0;
		for (Session session : sessions) {
			if (session.abilities.isEmpty()) {
				continue;
			}
			workerCount++;
			if (workers.size() < maxWorkers) {
				workers.add(WorkerInfo.of(session, maxFunctionsPerWorker));
			}
		}
		List<JobInfo> jobs = new ArrayList<>(Math.min(maxJobs, registry.size()));
		for (Job job : registry.jobs()) {
			if (jobs.size() >= maxJobs) {
				break;
			}
			jobs.add(JobInfo.of(job));
		}
		return new EngineReport(functions, List.copyOf(workers), workerCount, List.copyOf(jobs), registry.size());
	}

	/**
	 * One worker connection.
	 *
	 * @param id the connection id, as in the admin {@code workers} list
	 * @param address the peer's IP address
	 * @param clientId the id it set with SET_CLIENT_ID, {@code -} if none
	 * @param identity who it is for the access policy: its client-certificate subject, or {@code anonymous}
	 * @param functions the functions it registered, the first of them if the report lists only so many
	 * @param runningJobs jobs it holds
	 * @param sleeping whether it sleeps waiting for a NOOP
	 * @param connectedSince when it connected, epoch milliseconds
	 * @param runningHandles the handles of the jobs it holds, at most {@value #MAX_RUNNING_HANDLES}
	 * @param functionCount how many functions it registered
	 */
	public record WorkerInfo(long id, String address, String clientId, String identity, List<String> functions,
			int runningJobs, boolean sleeping, long connectedSince, List<String> runningHandles, int functionCount) {

		static WorkerInfo of(Session session, int maxFunctions) {
			List<String> names = new ArrayList<>(Math.min(session.abilities.size(), maxFunctions));
			for (JobFunction f : session.abilities.keySet()) {
				if (names.size() == maxFunctions) {
					break;
				}
				names.add(f.name);
			}
			List<String> handles = new ArrayList<>(Math.min(session.running.size(), MAX_RUNNING_HANDLES));
			for (Job job : session.running) {
				if (handles.size() == MAX_RUNNING_HANDLES) {
					break;
				}
				handles.add(job.handle);
			}
			return new WorkerInfo(session.id, session.remoteHost(), session.clientId, session.identity(),
					List.copyOf(names), session.running.size(), session.sleeping, session.connectedMillis,
					List.copyOf(handles), session.abilities.size());
		}

	}

	/**
	 * One job.
	 *
	 * @param handle the job handle
	 * @param function the function name
	 * @param unique the unique id, empty if none
	 * @param priority HIGH, NORMAL or LOW
	 * @param state the {@link JobState}: STORING, SCHEDULED, QUEUED, RUNNING, WAITING or ABANDONED
	 * @param background whether it is a background job
	 * @param retries how many attempts went wrong (failed, or let go by their worker)
	 * @param persisted whether the store holds it
	 * @param worker the id of the worker connection that runs it, if running
	 * @param clients foreground clients waiting for it
	 * @param whenToRun the epoch second it is due, for epoch jobs
	 * @param dueMillis when it is due, epoch milliseconds, while it waits for its time: an epoch job, or a failed job
	 * waiting for its next attempt
	 */
	public record JobInfo(String handle, String function, String unique, String priority, String state,
			boolean background, int retries, boolean persisted, @Nullable Long worker, int clients,
			@Nullable Long whenToRun, @Nullable Long dueMillis) {

		static JobInfo of(Job job) {
			boolean due = job.state == JobState.SCHEDULED || job.state == JobState.WAITING;
			return new JobInfo(job.handle, job.function.name, job.unique, job.priority.name(), job.state.name(),
					job.background, job.attempts, job.persistence == Job.Persistence.STORED,
					(job.worker != null) ? job.worker.id : null, job.clients.size(),
					(job.whenToRun > 0) ? job.whenToRun : null, due ? job.dueMillis : null);
		}

	}

}
