package dev.gearman.server.engine;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

import dev.gearman.server.retry.RetryPolicy;

/**
 * One function as the engine knows it: its three priority queues, the workers that registered it, its queue limits
 * and how many of its jobs are in each state. The jobs themselves belong to {@link JobRegistry}, which keeps these
 * queues and counts in step with their states; the workers belong to {@link WorkerAbilities}. Engine-thread only.
 */
final class JobFunction {

	final String name;

	private final JobList[] queues = { new JobList(), new JobList(), new JobList() };

	/** Workers that registered the function, in registration order. */
	final LinkedHashSet<Session> workers = new LinkedHashSet<>();

	/** Registered workers that sleep (PRE_SLEEP found nothing) and have not been sent a NOOP yet. */
	final LinkedHashSet<Session> sleepers = new LinkedHashSet<>();

	/** Live jobs by unique id; kept by {@link JobRegistry}, a unique stays reserved until its job ends. */
	final Map<String, Job> byUnique = new HashMap<>();

	/** Live jobs submitted with the unique {@code "-"}, by payload; kept by {@link JobRegistry}. */
	final Map<DataKey, Job> byData = new HashMap<>();

	/** Per-priority limit on the function's live jobs; 0 = unlimited. Set by {@code maxqueue}: configuration. */
	final int[] maxQueue = new int[3];

	/** Its jobs held by workers, in the order they were handed out; kept by {@link JobRegistry}. */
	final LinkedHashSet<Job> running = new LinkedHashSet<>();

	/** Completed and failed runs and their run times, for the dashboard. */
	final RunTimes runTimes = new RunTimes();

	/** Payload bytes of the function's live jobs. */
	long payloadBytes;

	/** What happens to its jobs when an attempt fails; resolved once from the server's retry rules. */
	final RetryPolicy retryPolicy;

	/**
	 * Paused by an operator: the function takes and stores jobs but hands none out. Configuration, like
	 * {@code maxqueue}.
	 */
	boolean paused;

	/** Set by {@code maxqueue} and {@code create function}: configuration is kept while idle. */
	boolean configured;

	/** Removed from the table; a stale reference (an idle-queue entry) must not act on it. */
	boolean dropped;

	/** When it last went idle, by the engine clock; kept by {@link FunctionTable}. */
	long idleSince;

	/** Whether it waits in the table's idle queue. */
	boolean inIdleQueue;

	private final FunctionTable table;

	/** Live jobs per {@link JobState}. */
	private final int[] byState = new int[JobState.values().length];

	/** {@link JobState#QUEUED} jobs per priority; the queues may also hold jobs that are still being stored. */
	private final int[] queuedByPriority = new int[3];

	JobFunction(String name, int[] defaultMaxQueue, FunctionTable table, RetryPolicy retryPolicy) {
		this.name = name;
		this.table = table;
		this.retryPolicy = retryPolicy;
		System.arraycopy(defaultMaxQueue, 0, this.maxQueue, 0, 3);
	}

	JobList queue(Priority priority) {
		return this.queues[priority.ordinal()];
	}

	/** Called by the registry for every move of one of this function's jobs. */
	void moved(Job job, JobState from, JobState to) {
		if (from.isLive()) {
			this.byState[from.ordinal()]--;
		}
		if (to.isLive()) {
			this.byState[to.ordinal()]++;
		}
		int priority = job.priority.ordinal();
		if (from == JobState.QUEUED && --this.queuedByPriority[priority] == 0) {
			this.table.runnableChanged(this, job.priority, false);
		}
		if (to == JobState.QUEUED && this.queuedByPriority[priority]++ == 0) {
			this.table.runnableChanged(this, job.priority, true);
		}
		if (to == JobState.DONE) {
			this.table.checkIdle(this);
		}
	}

	int count(JobState state) {
		return this.byState[state.ordinal()];
	}

	/** Jobs ready to be handed out at a priority. */
	int queued(Priority priority) {
		return this.queuedByPriority[priority.ordinal()];
	}

	/** Jobs held by workers, abandoned ones included. */
	int running() {
		return count(JobState.RUNNING) + count(JobState.ABANDONED);
	}

	/** What {@code status} reports as TOTAL and max queue checks against: every live job. */
	int total() {
		return count(JobState.STORING) + count(JobState.SCHEDULED) + count(JobState.QUEUED) + running();
	}

	boolean isFull(Priority priority) {
		int max = this.maxQueue[priority.ordinal()];
		return max > 0 && total() >= max;
	}

	boolean isIdle() {
		return this.workers.isEmpty() && total() == 0;
	}

	@Override
	public String toString() {
		return this.name;
	}

}
