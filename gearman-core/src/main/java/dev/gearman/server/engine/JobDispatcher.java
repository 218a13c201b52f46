package dev.gearman.server.engine;

import java.util.LinkedHashSet;
import java.util.List;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.retry.FailureKind;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands jobs to workers: GRAB_JOB and its variants, PRE_SLEEP and the NOOP wake-ups, and CAN_DO_TIMEOUT; a job its
 * worker lets go is a failed attempt for {@link FailedAttempts}. Engine-thread only.
 * <p>
 * GRAB and the PRE_SLEEP "anything to do?" check share one selection method, so a worker is never woken for a
 * job it would not be given (the cause of gearmand's NOOP/GRAB spin bugs).
 */
final class JobDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(JobDispatcher.class);

	private static final Priority[] PRIORITIES = Priority.values();

	private final JobRegistry registry;

	private final FunctionTable functions;

	private final Drain drain;

	private final Outbox outbox;

	private final EngineLoop loop;

	private final FailedAttempts failures;

	private final int workerWakeup;

	private final StoredJobLease lease;

	JobDispatcher(JobRegistry registry, FunctionTable functions, Drain drain, Outbox outbox, EngineLoop loop,
			FailedAttempts failures, int workerWakeup) {
		this.lease = new StoredJobLease(loop, this::wakeAll);
		this.registry = registry;
		this.functions = functions;
		this.drain = drain;
		this.outbox = outbox;
		this.loop = loop;
		this.failures = failures;
		this.workerWakeup = workerWakeup;
	}

	/** The fence on stored jobs, for a store that several servers share. */
	StoredJobLease lease() {
		return this.lease;
	}

	/** Wakes sleeping workers of a function that has a job to hand out: NOOP, up to the wake-up limit. */
	void wake(JobFunction function) {
		if (this.drain.isDraining() || function.paused) {
			// nothing will be handed out any more: a NOOP would only make the worker ask in vain
			return;
		}
		if (!this.lease.isValid() && !hasReadyHead(function)) {
			// its ready jobs are held back: the worker would only get NO_JOB
			return;
		}
		int limit = (this.workerWakeup > 0) ? this.workerWakeup : Integer.MAX_VALUE;
		int woken = 0;
		while (woken < limit && !function.sleepers.isEmpty()) {
			Session worker = function.sleepers.iterator().next();
			awake(worker);
			this.outbox.reply(worker, PacketType.NOOP);
			woken++;
		}
	}

	/** Wakes the sleeping workers of every function with a job ready, e.g. when stored jobs may go out again. */
	private void wakeAll() {
		for (Priority priority : PRIORITIES) {
			for (JobFunction function : List.copyOf(this.functions.runnable(priority))) {
				wake(function);
			}
		}
	}

	private boolean hasReadyHead(JobFunction function) {
		for (Priority priority : PRIORITIES) {
			Job head = function.queue(priority).peekFirst();
			if (head != null && head.state == JobState.QUEUED && this.lease.allows(head)) {
				return true;
			}
		}
		return false;
	}

	/** Ends a worker's sleep: it gets no further NOOP until its next PRE_SLEEP. */
	void awake(Session worker) {
		if (worker.sleeping) {
			worker.sleeping = false;
			for (JobFunction function : worker.abilities.keySet()) {
				function.sleepers.remove(worker);
			}
		}
	}

	void grab(Session worker, PacketType request) {
		awake(worker);
		Job job = this.drain.isDraining() ? null : select(worker, true);
		if (job == null) {
			this.outbox.reply(worker, PacketType.NO_JOB);
			return;
		}
		this.registry.assign(job, worker);
		Long timeout = worker.abilities.get(job.function);
		if (timeout != null && timeout > 0) {
			job.timeout = this.loop.schedule(timeout, () -> timedOut(job, worker));
		}
		this.outbox.send(worker, assignment(job, request));
	}

	void preSleep(Session worker) {
		if (!this.drain.isDraining() && select(worker, false) != null) {
			this.outbox.reply(worker, PacketType.NOOP);
			return;
		}
		worker.sleeping = true;
		for (JobFunction function : worker.abilities.keySet()) {
			function.sleepers.add(worker);
		}
	}

	/**
	 * The job a worker gets next: the highest priority across all its functions, functions in round-robin order,
	 * FIFO within one queue. A job still being stored at the head of a queue holds up that queue, so arrival order
	 * is kept. With {@code take} the function moves to the end of the worker's list.
	 */
	private @Nullable Job select(Session worker, boolean take) {
		for (Priority priority : PRIORITIES) {
			LinkedHashSet<JobFunction> runnable = this.functions.runnable(priority);
			if (runnable.isEmpty()) {
				continue;
			}
			// whichever is smaller: the worker's functions, or the functions that have work at this priority
			JobFunction function = (worker.abilities.size() <= runnable.size())
					? firstReady(worker.abilities.keySet(), priority, null)
					: firstReady(runnable, priority, worker);
			if (function == null) {
				continue;
			}
			if (take) {
				Long timeout = worker.abilities.remove(function);
				worker.abilities.put(function, timeout);
				this.functions.rotate(function, priority);
			}
			return function.queue(priority).peekFirst();
		}
		return null;
	}

	/**
	 * The first function whose queue at a priority starts with a job ready to hand out (and the worker can do): a
	 * stored job only while this server's ownership of it is proven.
	 */
	private @Nullable JobFunction firstReady(Iterable<JobFunction> functions, Priority priority,
			@Nullable Session worker) {
		for (JobFunction function : functions) {
			if (function.queued(priority) == 0 || function.paused
					|| (worker != null && !worker.abilities.containsKey(function))) {
				continue;
			}
			Job head = function.queue(priority).peekFirst();
			if (head != null && head.state == JobState.QUEUED && this.lease.allows(head)) {
				return function;
			}
		}
		return null;
	}

	private static Packet assignment(Job job, PacketType request) {
		if (request == PacketType.GRAB_JOB) {
			return withPayload(PacketType.JOB_ASSIGN, job, job.handle, job.function.name);
		}
		if (request == PacketType.GRAB_JOB_ALL && job.reducer != null) {
			return withPayload(PacketType.JOB_ASSIGN_ALL, job, job.handle, job.function.name, job.unique,
					job.reducer);
		}
		return withPayload(PacketType.JOB_ASSIGN_UNIQ, job, job.handle, job.function.name, job.unique);
	}

	/** The packet gets a reference of its own: the job may end, and drop its own, before the write is done. */
	private static Packet withPayload(PacketType type, Job job, String... args) {
		return (job.payloadBuffer != null) ? Packet.responseWithData(type, job.payloadBuffer.retain(), args)
				: Packet.responseWithData(type, job.data, args);
	}

	private void timedOut(Job job, Session worker) {
		job.timeout = null;
		if (job.worker == worker && job.state.isAssigned()) {
			logger.debug("Job {} ran past the CAN_DO_TIMEOUT of {}", job.handle, worker);
			this.failures.failed(job, FailureKind.TIMEOUT, null);
		}
	}

	/** A worker let a job go without a result: it disconnected or sent CANT_DO. */
	void letGo(Job job) {
		this.failures.failed(job, FailureKind.WORKER_LOST, null);
	}

}
