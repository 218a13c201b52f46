package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.Map;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves jobs between queues and workers: enqueueing with NOOP wake-ups, epoch scheduling, GRAB and PRE_SLEEP,
 * worker abilities, CAN_DO_TIMEOUT and requeueing when a worker lets a job go. Engine-thread only.
 * <p>
 * GRAB and the PRE_SLEEP "anything to do?" check share one selection method, so a worker is never woken for a
 * job it would not be given (the cause of gearmand's NOOP/GRAB spin bugs).
 */
final class JobDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(JobDispatcher.class);

	private static final Priority[] PRIORITIES = Priority.values();

	private final EngineState state;

	private EngineLoop.@Nullable Timeout scheduleTimer;

	private long scheduleTimerDue = Long.MAX_VALUE;

	JobDispatcher(EngineState state) {
		this.state = state;
	}

	/** Makes a job runnable: queued now, or scheduled if its epoch time has not come. */
	void accept(Job job) {
		if (job.whenToRun > 0 && job.dueMillis() > System.currentTimeMillis()) {
			job.state = JobState.SCHEDULED;
			job.function.scheduled++;
			this.state.scheduled.add(job);
			armScheduleTimer();
		}
		else {
			enqueue(job);
		}
	}

	void enqueue(Job job) {
		job.state = JobState.QUEUED;
		job.enqueuedNanos = System.nanoTime();
		job.function.queue(job.priority).addLast(job);
		wakeWorkers(job.function);
	}

	/** Takes a queued or scheduled job out of line, e.g. when it is cancelled. */
	void unqueue(Job job) {
		if (job.state == JobState.QUEUED) {
			job.function.queue(job.priority).remove(job);
		}
		else if (job.state == JobState.SCHEDULED) {
			this.state.scheduled.remove(job);
			job.function.scheduled--;
		}
	}

	private void wakeWorkers(FunctionQueue function) {
		if (this.state.draining) {
			// nothing will be handed out any more: a NOOP would only make the worker ask in vain
			return;
		}
		int limit = (this.state.workerWakeup > 0) ? this.state.workerWakeup : Integer.MAX_VALUE;
		int woken = 0;
		while (woken < limit && !function.sleepers.isEmpty()) {
			Session worker = function.sleepers.iterator().next();
			awake(worker);
			this.state.reply(worker, PacketType.NOOP);
			woken++;
		}
	}

	/** Ends a worker's sleep: it gets no further NOOP until its next PRE_SLEEP. */
	private void awake(Session worker) {
		if (worker.sleeping) {
			worker.sleeping = false;
			for (FunctionQueue function : worker.abilities.keySet()) {
				function.sleepers.remove(worker);
			}
		}
	}

	private void armScheduleTimer() {
		Job first = this.state.scheduled.peek();
		if (first == null || first.dueMillis() >= this.scheduleTimerDue) {
			return;
		}
		if (this.scheduleTimer != null) {
			this.scheduleTimer.cancel();
		}
		this.scheduleTimerDue = first.dueMillis();
		this.scheduleTimer = this.state.loop.schedule(this.scheduleTimerDue - System.currentTimeMillis(),
				this::releaseDueJobs);
	}

	private void releaseDueJobs() {
		this.scheduleTimer = null;
		this.scheduleTimerDue = Long.MAX_VALUE;
		long now = System.currentTimeMillis();
		Job job;
		while ((job = this.state.scheduled.peek()) != null && job.dueMillis() <= now) {
			this.state.scheduled.poll();
			job.function.scheduled--;
			enqueue(job);
		}
		armScheduleTimer();
	}

	void grab(Session worker, PacketType request) {
		awake(worker);
		Job job = this.state.draining ? null : select(worker, true);
		if (job == null) {
			this.state.reply(worker, PacketType.NO_JOB);
			return;
		}
		assign(worker, job);
		this.state.send(worker, assignment(job, request));
	}

	void preSleep(Session worker) {
		if (!this.state.draining && select(worker, false) != null) {
			this.state.reply(worker, PacketType.NOOP);
			return;
		}
		worker.sleeping = true;
		for (FunctionQueue function : worker.abilities.keySet()) {
			function.sleepers.add(worker);
		}
	}

	/**
	 * The job a worker gets next: the highest priority across all its functions, functions in round-robin order,
	 * FIFO within one queue. With {@code take} the job leaves its queue and its function moves to the end of the
	 * worker's list.
	 */
	private @Nullable Job select(Session worker, boolean take) {
		for (Priority priority : PRIORITIES) {
			for (Iterator<FunctionQueue> it = worker.abilities.keySet().iterator(); it.hasNext();) {
				FunctionQueue function = it.next();
				if (!function.hasQueued(priority)) {
					continue;
				}
				if (!take) {
					return function.queue(priority).peekFirst();
				}
				Job job = function.queue(priority).pollFirst();
				Long timeout = worker.abilities.remove(function);
				worker.abilities.put(function, timeout);
				return job;
			}
		}
		return null;
	}

	private void assign(Session worker, Job job) {
		job.state = JobState.RUNNING;
		job.worker = worker;
		job.function.running++;
		this.state.running++;
		long now = System.nanoTime();
		job.startedNanos = now;
		this.state.listener.jobStarted(job.function.name, now - job.enqueuedNanos);
		worker.running.add(job);
		Long timeout = worker.abilities.get(job.function);
		if (timeout != null && timeout > 0) {
			job.timeout = this.state.loop.schedule(timeout, () -> timedOut(job, worker));
		}
	}

	private static Packet assignment(Job job, PacketType request) {
		if (request == PacketType.GRAB_JOB) {
			return withJobData(PacketType.JOB_ASSIGN, job, job.handle, job.function.name);
		}
		if (request == PacketType.GRAB_JOB_ALL && job.reducer != null) {
			return withJobData(PacketType.JOB_ASSIGN_ALL, job, job.handle, job.function.name, job.unique,
					job.reducer);
		}
		return withJobData(PacketType.JOB_ASSIGN_UNIQ, job, job.handle, job.function.name, job.unique);
	}

	/** The packet gets a reference of its own: the job may finish, and drop its own, before the write is done. */
	private static Packet withJobData(PacketType type, Job job, String... args) {
		return (job.dataBuffer != null) ? Packet.responseWithData(type, job.dataBuffer.retain(), args)
				: Packet.responseWithData(type, job.data, args);
	}

	private void timedOut(Job job, Session worker) {
		job.timeout = null;
		if (job.worker == worker && job.state == JobState.RUNNING) {
			logger.debug("Job {} ran past the CAN_DO_TIMEOUT of {}; requeueing it", job.handle, worker);
			release(worker, job);
			requeue(job);
		}
	}

	/** Detaches a running job from its worker, which loses the right to report on it. */
	void release(Session worker, Job job) {
		worker.running.remove(job);
		job.worker = null;
		job.function.running--;
		this.state.running--;
		if (job.timeout != null) {
			job.timeout.cancel();
			job.timeout = null;
		}
	}

	/**
	 * Puts a job its worker let go back in line, or drops it: when nobody waits for it any more, or when it has
	 * used up its attempts (then its clients get WORK_FAIL).
	 */
	void requeue(Job job) {
		job.retries++;
		if (job.abandoned || (!job.background && job.clients.isEmpty())) {
			this.state.release(job);
			return;
		}
		if (this.state.retryLimit > 0 && job.retries >= this.state.retryLimit) {
			// per-job events stay at DEBUG; operators see them as gearman.server.jobs.failed
			logger.debug("Job {} of function '{}' failed after {} attempts", job.handle, job.function.name,
					job.retries);
			this.state.listener.jobFinished(job.function.name, EngineListener.JobOutcome.FAILED, 0);
			this.state.forward(job, Packet.response(PacketType.WORK_FAIL, job.handle));
			this.state.release(job);
			return;
		}
		job.numerator = "0";
		job.denominator = "0";
		enqueue(job);
	}

	void canDo(Session worker, String name, long timeoutMillis) {
		FunctionQueue function = this.state.function(name);
		worker.abilities.put(function, timeoutMillis);
		function.workers.add(worker);
		if (worker.sleeping) {
			function.sleepers.add(worker);
		}
	}

	void cantDo(Session worker, String name) {
		FunctionQueue function = this.state.existingFunction(name);
		if (function != null && worker.abilities.remove(function) != null) {
			function.workers.remove(worker);
			function.sleepers.remove(worker);
			requeueRunning(worker, function);
		}
	}

	void resetAbilities(Session worker) {
		for (Map.Entry<FunctionQueue, Long> entry : worker.abilities.entrySet()) {
			entry.getKey().workers.remove(worker);
			entry.getKey().sleepers.remove(worker);
		}
		worker.abilities.clear();
		requeueRunning(worker, null);
	}

	private void requeueRunning(Session worker, @Nullable FunctionQueue only) {
		for (Job job : new ArrayList<>(worker.running)) {
			if (only == null || job.function == only) {
				release(worker, job);
				requeue(job);
			}
		}
	}

}
