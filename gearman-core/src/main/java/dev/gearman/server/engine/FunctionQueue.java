package dev.gearman.server.engine;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One function: its three priority queues, the workers that registered it, its unique-id table and its queue
 * limits. Engine-thread only.
 */
final class FunctionQueue {

	final String name;

	private final JobList[] queues = { new JobList(), new JobList(), new JobList() };

	/** Workers that registered the function, in registration order. */
	final LinkedHashSet<Session> workers = new LinkedHashSet<>();

	/** Registered workers that sleep (PRE_SLEEP found nothing) and have not been sent a NOOP yet. */
	final LinkedHashSet<Session> sleepers = new LinkedHashSet<>();

	/** Jobs by unique id; a unique stays reserved until its job is done. */
	final Map<String, Job> byUnique = new HashMap<>();

	/** Jobs submitted with the unique {@code "-"}, by payload. */
	final Map<DataKey, Job> byData = new HashMap<>();

	/** Per-priority limit on the function's total (queued and running) jobs; 0 = unlimited. */
	final int[] maxQueue = new int[3];

	int running;

	int scheduled;

	int storing;

	FunctionQueue(String name, int[] defaultMaxQueue) {
		this.name = name;
		System.arraycopy(defaultMaxQueue, 0, this.maxQueue, 0, 3);
	}

	JobList queue(Priority priority) {
		return this.queues[priority.ordinal()];
	}

	int queued(Priority priority) {
		return this.queues[priority.ordinal()].size();
	}

	/** Jobs that wait to run: queued at any priority, plus epoch jobs whose time has not come. */
	int waiting() {
		return this.queues[0].size() + this.queues[1].size() + this.queues[2].size() + this.scheduled;
	}

	/** What {@code status} reports as TOTAL and max queue checks against: waiting plus running. */
	int total() {
		return waiting() + this.running + this.storing;
	}

	boolean hasQueued(Priority priority) {
		return !this.queues[priority.ordinal()].isEmpty();
	}

	boolean isFull(Priority priority) {
		int max = this.maxQueue[priority.ordinal()];
		return max > 0 && total() >= max;
	}

	@Nullable Job findCoalescable(String unique, byte[] data) {
		if (unique.isEmpty()) {
			return null;
		}
		if (DataKey.UNIQUE_BY_DATA.equals(unique)) {
			return (data.length == 0) ? null : this.byData.get(new DataKey(data));
		}
		return this.byUnique.get(unique);
	}

	void reserveUnique(Job job) {
		if (job.unique.isEmpty()) {
			return;
		}
		if (DataKey.UNIQUE_BY_DATA.equals(job.unique)) {
			if (job.data.length > 0) {
				this.byData.put(new DataKey(job.data), job);
			}
			return;
		}
		this.byUnique.put(job.unique, job);
	}

	void releaseUnique(Job job) {
		if (job.unique.isEmpty()) {
			return;
		}
		if (DataKey.UNIQUE_BY_DATA.equals(job.unique)) {
			if (job.data.length > 0) {
				this.byData.remove(new DataKey(job.data), job);
			}
			return;
		}
		this.byUnique.remove(job.unique, job);
	}

	boolean isIdle() {
		return this.workers.isEmpty() && total() == 0;
	}

}
