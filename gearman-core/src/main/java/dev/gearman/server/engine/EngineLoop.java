package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns all engine state, in the manner of Redis: a Netty event loop, usually one of the
 * server's I/O threads. Commands handed over from that event loop's own I/O run at once, without a queue or a thread
 * switch; commands from other threads are queued on the event loop. After each batch of commands the registered
 * batch hooks run once (the engine flushes the replies it produced), so replies to pipelined requests leave in one
 * write per connection. A server with one I/O thread so runs its whole path (read, decode, dispatch, reply) on one
 * thread.
 * <p>
 * Timers (CAN_DO_TIMEOUT, epoch jobs) live in the loop's own heap, ordered by the {@link EngineClock}; one event-loop
 * task is armed for the earliest of them. Tests run the same loop with a clock they advance, then call
 * {@link #runDueTimers()} instead of waiting.
 * <p>
 * A command that throws is logged and counted; the loop keeps running.
 */
public final class EngineLoop implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(EngineLoop.class);

	private final EventExecutor executor;

	private final EngineClock clock;

	private final PriorityQueue<Timeout> timers = new PriorityQueue<>();

	private final List<Runnable> batchHooks = new ArrayList<>();

	private final CountDownLatch terminated = new CountDownLatch(1);

	/** A command is running: commands it submits are queued behind it, not run inside it. */
	private boolean inCommand;

	/** The batch hooks are queued to run after the current batch. */
	private boolean hooksPending;

	/** The event-loop task armed for the earliest timer, and the deadline it was armed for. */
	private @Nullable ScheduledFuture<?> armed;

	private long armedDeadline;

	private volatile boolean shutdown;

	private volatile long failures;

	private long timerSequence;

	private int cancelledTimers;

	/**
	 * Creates a loop on a Netty event loop, with the system clock.
	 * @param executor the event loop; the engine's state is then confined to its thread
	 */
	public EngineLoop(EventExecutor executor) {
		this(executor, EngineClock.SYSTEM);
	}

	/**
	 * Creates a loop on a Netty event loop.
	 * @param executor the event loop; the engine's state is then confined to its thread
	 * @param clock the time timers are measured by
	 */
	public EngineLoop(EventExecutor executor, EngineClock clock) {
		this.executor = executor;
		this.clock = clock;
	}

	/**
	 * The clock the loop's timers follow.
	 * @return the clock
	 */
	public EngineClock clock() {
		return this.clock;
	}

	/**
	 * Adds a hook that runs after every batch of commands, on the loop thread.
	 * @param hook the hook
	 */
	public void addBatchHook(Runnable hook) {
		execute(() -> this.batchHooks.add(hook));
	}

	@Override
	public void execute(Runnable command) {
		if (this.shutdown) {
			throw new RejectedExecutionException("engine loop is shut down");
		}
		if (this.executor.inEventLoop() && !this.inCommand) {
			runCommand(command);
		}
		else {
			this.executor.execute(() -> runCommand(command));
		}
	}

	/**
	 * Whether the caller runs on the loop thread.
	 * @return {@code true} on the loop thread
	 */
	public boolean inLoop() {
		return this.executor.inEventLoop();
	}

	/** Runs one command and makes sure the batch hooks follow the current batch. */
	private void runCommand(Runnable command) {
		this.inCommand = true;
		try {
			safeRun(command);
		}
		finally {
			this.inCommand = false;
		}
		hooksAfterBatch();
	}

	private void hooksAfterBatch() {
		if (!this.hooksPending) {
			this.hooksPending = true;
			// queued behind whatever the event loop is handling now: one flush per batch of reads
			this.executor.execute(this::runPendingHooks);
		}
	}

	private void runPendingHooks() {
		this.hooksPending = false;
		this.inCommand = true;
		try {
			for (Runnable hook : this.batchHooks) {
				safeRun(hook);
			}
		}
		finally {
			this.inCommand = false;
		}
	}

	/**
	 * Schedules a task on the loop. Must be called on the loop thread.
	 * @param delayMillis the delay in milliseconds by the loop's clock; 0 or less runs it at the next check
	 * @param task the task
	 * @return a handle to cancel the task
	 */
	public Timeout schedule(long delayMillis, Runnable task) {
		assert inLoop();
		long deadline = this.clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis));
		Timeout timeout = new Timeout(this, deadline, this.timerSequence++, task);
		this.timers.add(timeout);
		if (this.timers.peek() == timeout) {
			arm(deadline);
		}
		return timeout;
	}

	/**
	 * Runs every timer whose deadline has passed by the clock, then arms the event loop for the next one. Thread-safe:
	 * from another thread it is queued on the loop. Production needs no call (the armed task makes it); a test that
	 * advanced its clock calls it.
	 */
	public void runDueTimers() {
		execute(this::fireDueTimers);
	}

	/** The armed event-loop task: fires what is due; the batch hooks follow only if a timer ran. */
	private void onArmedTimer() {
		this.armed = null;
		if (this.shutdown) {
			return;
		}
		boolean ran;
		this.inCommand = true;
		try {
			ran = fireDueTimers();
		}
		finally {
			this.inCommand = false;
		}
		if (ran) {
			hooksAfterBatch();
		}
	}

	private boolean fireDueTimers() {
		long now = this.clock.nanoTime();
		boolean ran = false;
		Timeout next;
		while ((next = this.timers.peek()) != null && (next.cancelled || next.deadline - now <= 0)) {
			this.timers.poll();
			if (next.cancelled) {
				this.cancelledTimers = Math.max(0, this.cancelledTimers - 1);
			}
			else {
				next.cancelled = true;
				safeRun(next.task);
				ran = true;
			}
		}
		if (next != null) {
			arm(next.deadline);
		}
		return ran;
	}

	/** Makes sure an event-loop task fires no later than the deadline; one task is armed at a time. */
	private void arm(long deadline) {
		ScheduledFuture<?> current = this.armed;
		if (current != null) {
			if (this.armedDeadline - deadline <= 0) {
				return;
			}
			current.cancel(false);
		}
		this.armedDeadline = deadline;
		long delay = Math.max(0, deadline - this.clock.nanoTime());
		// a clock that tests advance by hand may stand still: the task then finds nothing due and re-arms
		this.armed = this.executor.schedule(this::onArmedTimer, delay, TimeUnit.NANOSECONDS);
	}

	/**
	 * Number of commands and timers that threw since the loop started.
	 * @return the failure count
	 */
	public long failures() {
		return this.failures;
	}

	/**
	 * Stops taking commands; those already queued still run.
	 * @param timeoutMillis how long to wait for the queued commands
	 * @return {@code true} if they ran in time
	 */
	public boolean shutdown(long timeoutMillis) {
		this.shutdown = true;
		try {
			// the commands already queued on the event loop run first
			this.executor.execute(() -> {
				if (this.armed != null) {
					this.armed.cancel(false);
					this.armed = null;
				}
				this.terminated.countDown();
			});
		}
		catch (RejectedExecutionException ex) {
			// the event loop has stopped: nothing of the engine's can run any more
			return true;
		}
		if (this.executor.inEventLoop()) {
			return true;
		}
		try {
			return this.terminated.await(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void safeRun(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			this.failures++;
			logger.error("Engine command failed; the engine loop continues", ex);
		}
	}

	private void timerCancelled() {
		// cancelled timers would otherwise stay in the heap until their deadline: purge them in bulk
		if (++this.cancelledTimers > 1024 && this.cancelledTimers > this.timers.size() / 2) {
			this.timers.removeIf((timeout) -> timeout.cancelled);
			this.cancelledTimers = 0;
		}
	}

	/**
	 * A scheduled task that can be cancelled.
	 */
	public static final class Timeout implements Comparable<Timeout> {

		private final EngineLoop loop;

		private final long deadline;

		private final long sequence;

		private final Runnable task;

		private boolean cancelled;

		Timeout(EngineLoop loop, long deadline, long sequence, Runnable task) {
			this.loop = loop;
			this.deadline = deadline;
			this.sequence = sequence;
			this.task = task;
		}

		/** Cancels the task if it has not run yet. Call on the loop thread. */
		public void cancel() {
			if (!this.cancelled) {
				this.cancelled = true;
				this.loop.timerCancelled();
			}
		}

		@Override
		public int compareTo(Timeout other) {
			int byDeadline = Long.compare(this.deadline - other.deadline, 0);
			return (byDeadline != 0) ? byDeadline : Long.compare(this.sequence, other.sequence);
		}

	}

}
