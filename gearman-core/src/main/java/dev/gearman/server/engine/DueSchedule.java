package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * Jobs whose time has not come: epoch jobs (SUBMIT_JOB_EPOCH) and jobs waiting to be retried, by due time, with one
 * engine-loop timer armed for the earliest. Part of {@link WaitingJobs}, which moves due jobs to their queues.
 * Engine-thread only.
 */
final class DueSchedule {

	/** Due time, then arrival; the sequence makes the order total, so removal is O(log n). */
	private final TreeSet<Job> jobs = new TreeSet<>(
			Comparator.comparingLong((Job job) -> job.dueMillis).thenComparingLong((job) -> job.sequence));

	private final EngineLoop loop;

	private final Runnable onDue;

	private EngineLoop.@Nullable Timeout timer;

	private long timerDueMillis = Long.MAX_VALUE;

	DueSchedule(EngineLoop loop, Runnable onDue) {
		this.loop = loop;
		this.onDue = onDue;
	}

	void add(Job job) {
		this.jobs.add(job);
		arm();
	}

	void remove(Job job) {
		this.jobs.remove(job);
	}

	/** Takes out the earliest job if it is due by the given time. */
	@Nullable Job pollDue(long nowMillis) {
		if (this.jobs.isEmpty() || this.jobs.first().dueMillis > nowMillis) {
			return null;
		}
		return this.jobs.pollFirst();
	}

	/** The jobs by due time; read-only. */
	Iterable<Job> jobs() {
		return java.util.Collections.unmodifiableSet(this.jobs);
	}

	int size() {
		return this.jobs.size();
	}

	/** The first jobs in a state, of one function or of all, by due time; a copy the caller may act on. */
	List<Job> select(JobState state, @Nullable JobFunction function, int max) {
		List<Job> selected = new ArrayList<>();
		for (Job job : this.jobs) {
			if (selected.size() == max) {
				break;
			}
			if (job.state == state && (function == null || job.function == function)) {
				selected.add(job);
			}
		}
		return selected;
	}

	/** Arms the timer for the earliest job, unless it is armed for that time or earlier already. */
	void arm() {
		if (this.jobs.isEmpty() || this.jobs.first().dueMillis >= this.timerDueMillis) {
			return;
		}
		if (this.timer != null) {
			this.timer.cancel();
		}
		this.timerDueMillis = this.jobs.first().dueMillis;
		this.timer = this.loop.schedule(this.timerDueMillis - this.loop.clock().currentTimeMillis(), () -> {
			this.timer = null;
			this.timerDueMillis = Long.MAX_VALUE;
			this.onDue.run();
			arm();
		});
	}

}
