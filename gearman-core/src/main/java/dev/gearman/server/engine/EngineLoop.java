package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.PlatformDependent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single thread that owns all engine state, in the manner of Redis: commands from any thread are queued on a
 * lock-free multi-producer queue and run one after another; timers run on the same thread. After each batch of
 * commands the registered batch hooks run (the engine flushes the replies it produced), so replies to pipelined
 * requests leave in one write per connection.
 * <p>
 * The loop can instead run on a Netty event loop ({@link #EngineLoop(EventExecutor)}). Commands handed over from
 * that event loop's own I/O then run at once, without a queue or a thread switch, and the batch hooks run once
 * after the event loop's current batch of reads; commands from other threads are queued on the event loop. A
 * server with one I/O thread so runs its whole path (read, decode, dispatch, reply) on one thread, which saves
 * the two wake-ups per request that a separate engine thread costs.
 * <p>
 * A command that throws is logged and counted; the loop keeps running.
 */
public final class EngineLoop implements Executor {

	private static final Logger logger = LoggerFactory.getLogger(EngineLoop.class);

	private static final int MAX_BATCH = 4096;

	private final Queue<Runnable> tasks = PlatformDependent.newMpscQueue();

	private final PriorityQueue<Timeout> timers = new PriorityQueue<>();

	private final List<Runnable> batchHooks = new ArrayList<>();

	private final @Nullable Thread thread;

	/** The Netty event loop the engine runs on, or {@code null} when it has a thread of its own. */
	private final @Nullable EventExecutor executor;

	private final CountDownLatch terminated = new CountDownLatch(1);

	/** Event-loop mode: a command is running (commands it submits are queued, not run inside it). */
	private boolean inCommand;

	/** Event-loop mode: the batch hooks are queued to run after the current batch. */
	private boolean hooksPending;

	private volatile boolean parked;

	private volatile boolean shutdown;

	private long failures;

	private long timerSequence;

	private int cancelledTimers;

	/**
	 * Creates and starts the loop.
	 * @param name the thread name
	 */
	public EngineLoop(String name) {
		this.executor = null;
		Thread loopThread = new Thread(this::run, name);
		loopThread.setDaemon(true);
		this.thread = loopThread;
		loopThread.start();
	}

	/**
	 * Creates a loop that runs on a Netty event loop, usually one of the server's I/O threads.
	 * @param executor the event loop; the engine's state is then confined to its thread
	 */
	public EngineLoop(EventExecutor executor) {
		this.executor = executor;
		this.thread = null;
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
		if (this.executor != null) {
			if (this.executor.inEventLoop() && !this.inCommand) {
				runCommand(command);
			}
			else {
				this.executor.execute(() -> runCommand(command));
			}
			return;
		}
		this.tasks.offer(command);
		if (this.parked) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Whether the caller runs on the loop thread.
	 * @return {@code true} on the loop thread
	 */
	public boolean inLoop() {
		return (this.executor != null) ? this.executor.inEventLoop() : Thread.currentThread() == this.thread;
	}

	/** Event-loop mode: runs one command and makes sure the batch hooks follow the current batch. */
	private void runCommand(Runnable command) {
		this.inCommand = true;
		try {
			safeRun(command);
		}
		finally {
			this.inCommand = false;
		}
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
			runHooks();
		}
		finally {
			this.inCommand = false;
		}
	}

	/**
	 * Schedules a task on the loop. Must be called on the loop thread.
	 * @param delayMillis the delay in milliseconds, at least 0
	 * @param task the task
	 * @return a handle to cancel the task
	 */
	public Timeout schedule(long delayMillis, Runnable task) {
		assert inLoop();
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis));
		Timeout timeout = new Timeout(this, deadline, this.timerSequence++, task);
		if (this.executor != null) {
			timeout.future = this.executor.schedule(() -> {
				if (!timeout.cancelled) {
					timeout.cancelled = true;
					runCommand(task);
				}
			}, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
			return timeout;
		}
		this.timers.add(timeout);
		return timeout;
	}

	/**
	 * Number of commands and timers that threw since the loop started.
	 * @return the failure count
	 */
	public long failures() {
		return this.failures;
	}

	/**
	 * Stops the loop after the commands already queued have run.
	 * @param timeoutMillis how long to wait for the thread to end
	 * @return {@code true} if the loop ended in time
	 */
	public boolean shutdown(long timeoutMillis) {
		this.shutdown = true;
		if (this.executor != null) {
			try {
				// the commands already queued on the event loop run first
				this.executor.execute(this.terminated::countDown);
			}
			catch (RejectedExecutionException ex) {
				// the event loop has stopped: nothing of the engine's can run any more
				return true;
			}
		}
		else {
			LockSupport.unpark(this.thread);
		}
		try {
			return this.terminated.await(timeoutMillis, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void run() {
		try {
			while (true) {
				int ran = runTasks();
				runTimers();
				if (ran > 0) {
					runHooks();
				}
				if (this.shutdown && this.tasks.isEmpty()) {
					return;
				}
				if (ran < MAX_BATCH) {
					park();
				}
			}
		}
		finally {
			this.terminated.countDown();
		}
	}

	private int runTasks() {
		int ran = 0;
		Runnable task;
		while (ran < MAX_BATCH && (task = this.tasks.poll()) != null) {
			safeRun(task);
			ran++;
		}
		return ran;
	}

	private void runTimers() {
		long now = System.nanoTime();
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
		if (ran) {
			runHooks();
		}
	}

	private void runHooks() {
		for (Runnable hook : this.batchHooks) {
			safeRun(hook);
		}
	}

	private void park() {
		this.parked = true;
		try {
			if (!this.tasks.isEmpty() || this.shutdown) {
				return;
			}
			Timeout next = this.timers.peek();
			if (next == null) {
				LockSupport.park(this);
			}
			else {
				long wait = next.deadline - System.nanoTime();
				if (wait > 0) {
					LockSupport.parkNanos(this, wait);
				}
			}
		}
		finally {
			this.parked = false;
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

		/** Event-loop mode: the scheduled task. */
		private @Nullable ScheduledFuture<?> future;

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
				if (this.future != null) {
					this.future.cancel(false);
				}
				else {
					this.loop.timerCancelled();
				}
			}
		}

		@Override
		public int compareTo(Timeout other) {
			int byDeadline = Long.compare(this.deadline - other.deadline, 0);
			return (byDeadline != 0) ? byDeadline : Long.compare(this.sequence, other.sequence);
		}

	}

}
