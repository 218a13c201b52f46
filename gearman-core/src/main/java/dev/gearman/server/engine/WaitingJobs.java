package dev.gearman.server.engine;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Where jobs wait to run: their function's queue for their priority, or the {@link DueSchedule} of epoch jobs and
 * of failed jobs waiting for their next attempt, whose timer moves them to their queue when due. Owns that
 * schedule and the hook that wakes workers when a queue gets a job one can take. Part of {@link JobRegistry}: every
 * state move it makes goes through the registry's checked move. Engine-thread only.
 */
final class WaitingJobs {

	private final EngineClock clock;

	private final DueSchedule due;

	private final BiConsumer<Job, JobState> move;

	private Consumer<JobFunction> onRunnable = (function) -> {
	};

	/** @param move the registry's checked move */
	WaitingJobs(EngineLoop loop, BiConsumer<Job, JobState> move) {
		this.clock = loop.clock();
		this.move = move;
		this.due = new DueSchedule(loop, this::queueDueJobs);
	}

	/** Sets what runs when a function gets a job a worker can take: waking its sleeping workers. */
	void onRunnable(Consumer<JobFunction> hook) {
		this.onRunnable = hook;
	}

	/** Epoch jobs and jobs waiting to retry, by due time; read-only. */
	Iterable<Job> due() {
		return this.due.jobs();
	}

	/** The first jobs of the due schedule in a state, of one function or all, by due time. */
	List<Job> dueJobs(JobState state, @Nullable JobFunction function, int max) {
		return this.due.select(state, function, max);
	}

	boolean isScheduledLater(Job job) {
		return job.dueMillis > 0 && job.dueMillis > this.clock.currentTimeMillis();
	}

	/**
	 * A job waits for the store's commit: if due, it takes its place at the end of its queue now, so arrival order
	 * is kept, but is not handed out (nor the jobs behind it) until it is queued.
	 */
	void holdPlaceWhileStoring(Job job) {
		if (!isScheduledLater(job)) {
			job.function.queue(job.priority).addLast(job);
		}
		this.move.accept(job, JobState.STORING);
	}

	/** Queues a job, or schedules it if its epoch time has not come. */
	void place(Job job) {
		if (job.list == null && isScheduledLater(job)) {
			this.move.accept(job, JobState.SCHEDULED);
			this.due.add(job);
		}
		else {
			toQueue(job);
		}
	}

	/** Parks a failed job in the schedule until its next attempt, at its {@link Job#dueMillis}. */
	void waitForRetry(Job job) {
		this.move.accept(job, JobState.WAITING);
		this.due.add(job);
	}

	/** Takes a job out of the schedule, before it is queued early or ends. */
	void unschedule(Job job) {
		this.due.remove(job);
	}

	/** Makes a job ready to be handed out; a job that held its place while being stored keeps it. */
	void toQueue(Job job) {
		JobList queue = job.function.queue(job.priority);
		if (job.list == null) {
			queue.addLast(job);
		}
		job.enqueuedNanos = this.clock.nanoTime();
		this.move.accept(job, JobState.QUEUED);
		// behind a job still being stored nothing can be handed out yet: no worker is woken in vain
		if (queue.peekFirst().state == JobState.QUEUED) {
			this.onRunnable.accept(job.function);
		}
	}

	private void queueDueJobs() {
		long now = this.clock.currentTimeMillis();
		Job job;
		while ((job = this.due.pollDue(now)) != null) {
			toQueue(job);
		}
	}

}
