package dev.gearman.server.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.retry.RetryRules;
import org.jspecify.annotations.Nullable;

/**
 * The functions the engine knows, by name: created by the first submission, CAN_DO, {@code maxqueue} or
 * {@code create function} that names them, removed by {@code drop function}, and forgotten once nobody has
 * registered, queued to or configured them for the retention period. Bounded: at most {@code maxFunctions} names
 * (a peer cannot grow the table without limit), each at most {@code maxNameLength} bytes. It also keeps, per
 * priority, the functions that have a job ready to hand out, so a worker's GRAB looks only where there is work.
 * Engine-thread only.
 */
final class FunctionTable {

	private static final Priority[] PRIORITIES = Priority.values();

	private final Map<String, JobFunction> functions = new HashMap<>();

	private final int[] defaultMaxQueue;

	private final int maxFunctions;

	private final int maxNameLength;

	private final long retentionNanos;

	private final EngineLoop loop;

	/** Per priority, the functions with at least one job ready to hand out, in the order they became so. */
	@SuppressWarnings("unchecked")
	private final LinkedHashSet<JobFunction>[] runnable = new LinkedHashSet[] { new LinkedHashSet<>(),
			new LinkedHashSet<>(), new LinkedHashSet<>() };

	/** Functions that went idle, oldest first; checked again when their retention is over. */
	private final ArrayDeque<JobFunction> idle = new ArrayDeque<>();

	private EngineLoop.@Nullable Timeout sweep;

	private final RetryRules retryRules;

	/** Told when an operator pauses or resumes a function, and when a paused one is dropped: the store keeps it. */
	private PauseListener pauseListener = (name, paused) -> {
	};

	FunctionTable(int defaultMaxQueue, int maxFunctions, int maxNameLength, long retentionMillis, EngineLoop loop,
			RetryRules retryRules) {
		this.retryRules = retryRules;
		this.defaultMaxQueue = new int[] { defaultMaxQueue, defaultMaxQueue, defaultMaxQueue };
		this.maxFunctions = maxFunctions;
		this.maxNameLength = maxNameLength;
		this.retentionNanos = TimeUnit.MILLISECONDS.toNanos(retentionMillis);
		this.loop = loop;
	}

	/** Whether a peer may use this name: not longer than the limit. */
	boolean isValidName(String name) {
		return name.length() <= this.maxNameLength;
	}

	int maxNameLength() {
		return this.maxNameLength;
	}

	/**
	 * The function of this name, created if it is new and the table has room.
	 * @return the function, or {@code null} if it is new and the table is full
	 */
	@Nullable JobFunction function(String name) {
		JobFunction function = this.functions.get(name);
		if (function == null) {
			if (this.maxFunctions > 0 && this.functions.size() >= this.maxFunctions) {
				return null;
			}
			function = create(name);
		}
		return function;
	}

	/** The function of this name, created whatever the limit: a stored job replayed at start is never refused. */
	JobFunction functionForReplay(String name) {
		JobFunction function = this.functions.get(name);
		return (function != null) ? function : create(name);
	}

	private JobFunction create(String name) {
		JobFunction function = new JobFunction(name, this.defaultMaxQueue, this, this.retryRules.policyFor(name));
		this.functions.put(name, function);
		// a name that never gets a worker or a job (a refused submission, say) must not stay for ever
		checkIdle(function);
		return function;
	}

	@Nullable JobFunction existing(String name) {
		return this.functions.get(name);
	}

	/** Forgets a function that has no workers and no jobs; returns whether it did. */
	boolean dropIfIdle(JobFunction function) {
		if (!function.isIdle()) {
			return false;
		}
		forget(function);
		return true;
	}

	private void forget(JobFunction function) {
		this.functions.remove(function.name, function);
		function.dropped = true;
		if (function.paused) {
			this.pauseListener.pauseChanged(function.name, false);
		}
	}

	/** Sets who is told of pauses and resumes. */
	void onPauseChanged(PauseListener listener) {
		this.pauseListener = listener;
	}

	Collection<JobFunction> all() {
		return this.functions.values();
	}

	int size() {
		return this.functions.size();
	}

	List<JobFunction> sortedByName() {
		List<JobFunction> sorted = new ArrayList<>(this.functions.values());
		sorted.sort((a, b) -> a.name.compareTo(b.name));
		return sorted;
	}

	/** The functions that have a job ready at a priority; read-only for the dispatcher. */
	LinkedHashSet<JobFunction> runnable(Priority priority) {
		return this.runnable[priority.ordinal()];
	}

	/** Called by a function when it gets its first ready job at a priority, or loses its last. */
	void runnableChanged(JobFunction function, Priority priority, boolean ready) {
		if (ready && !function.paused) {
			this.runnable[priority.ordinal()].add(function);
		}
		else {
			this.runnable[priority.ordinal()].remove(function);
		}
	}

	/**
	 * Pauses or resumes a function: a paused function takes and stores jobs but hands none out. Pausing is
	 * configuration, so the function is kept while idle.
	 * @return whether the function's state changed
	 */
	boolean setPaused(JobFunction function, boolean paused) {
		if (!restorePaused(function, paused)) {
			return false;
		}
		this.pauseListener.pauseChanged(function.name, paused);
		return true;
	}

	/**
	 * Pauses or resumes a function as {@link #setPaused} does, without telling the listener: for the paused functions
	 * the store gives back at start.
	 * @return whether the function's state changed
	 */
	boolean restorePaused(JobFunction function, boolean paused) {
		if (function.paused == paused) {
			return false;
		}
		function.paused = paused;
		function.configured |= paused;
		for (Priority priority : PRIORITIES) {
			if (paused) {
				this.runnable[priority.ordinal()].remove(function);
			}
			else if (function.queued(priority) > 0) {
				this.runnable[priority.ordinal()].add(function);
			}
		}
		return true;
	}

	/** Moves a function behind the others that have work at a priority, after a worker took a job of it. */
	void rotate(JobFunction function, Priority priority) {
		LinkedHashSet<JobFunction> set = this.runnable[priority.ordinal()];
		if (set.remove(function)) {
			set.add(function);
		}
	}

	/**
	 * Notes that a function may have gone idle (its last worker or job left); it is forgotten after the retention
	 * period unless something uses or configures it meanwhile.
	 */
	void checkIdle(JobFunction function) {
		if (this.retentionNanos <= 0 || function.configured || function.dropped || !function.isIdle()) {
			return;
		}
		function.idleSince = this.loop.clock().nanoTime();
		if (!function.inIdleQueue) {
			function.inIdleQueue = true;
			this.idle.addLast(function);
		}
		if (this.sweep == null) {
			this.sweep = this.loop.schedule(sweepIntervalMillis(), this::sweep);
		}
	}

	/**
	 * Forgets the functions that stayed idle for the retention period. Runs at most ten times per period while any
	 * function is idle, and looks only at the functions that went idle: no scan of the whole table.
	 */
	private void sweep() {
		this.sweep = null;
		long now = this.loop.clock().nanoTime();
		for (int i = this.idle.size(); i > 0; i--) {
			JobFunction function = this.idle.pollFirst();
			if (function.dropped || function.configured || !function.isIdle()) {
				function.inIdleQueue = false;
			}
			else if (now - function.idleSince >= this.retentionNanos) {
				function.inIdleQueue = false;
				forget(function);
			}
			else {
				this.idle.addLast(function);
			}
		}
		if (!this.idle.isEmpty()) {
			this.sweep = this.loop.schedule(sweepIntervalMillis(), this::sweep);
		}
	}

	private long sweepIntervalMillis() {
		return Math.max(1000, TimeUnit.NANOSECONDS.toMillis(this.retentionNanos) / 10);
	}

	static Priority[] priorities() {
		return PRIORITIES;
	}

	/**
	 * Told, on the engine thread, when a function is paused or resumed.
	 */
	@FunctionalInterface
	interface PauseListener {

		/**
		 * A function was paused or resumed (a paused function that is dropped counts as resumed).
		 * @param function the function name
		 * @param paused whether it is paused now
		 */
		void pauseChanged(String function, boolean paused);

	}

}
