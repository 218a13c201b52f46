package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A consistent view of the engine's counters at one moment, taken on the engine thread.
 *
 * @param connections open connections
 * @param workerConnections connections that registered at least one function
 * @param jobs jobs the engine knows, in any state
 * @param runningJobs jobs assigned to workers
 * @param functions per-function counters, sorted by name
 * @param engineFailures commands that failed with an unexpected exception since start
 * @param draining whether the engine drains for shutdown
 */
public record EngineSnapshot(int connections, int workerConnections, int jobs, int runningJobs,
		List<FunctionStatus> functions, long engineFailures, boolean draining) {

	/** The snapshot of an engine that does not run. */
	public static final EngineSnapshot EMPTY = new EngineSnapshot(0, 0, 0, 0, List.of(), 0, false);

	static EngineSnapshot of(FunctionTable table, Collection<Session> sessions, JobRegistry registry, long failures,
			boolean draining) {
		List<FunctionStatus> functions = FunctionStatus.sorted(table);
		int workers = 0;
		for (Session session : sessions) {
			if (!session.abilities.isEmpty()) {
				workers++;
			}
		}
		return new EngineSnapshot(sessions.size(), workers, registry.size(), registry.counts().running(), functions, failures,
				draining);
	}

	/**
	 * Connections that registered no function: clients, admin tools and idle peers.
	 * @return the number of client connections
	 */
	public int clientConnections() {
		return this.connections - this.workerConnections;
	}

	/**
	 * Counters of one function.
	 *
	 * @param name the function name
	 * @param queuedHigh jobs waiting at high priority
	 * @param queuedNormal jobs waiting at normal priority, epoch jobs included
	 * @param queuedLow jobs waiting at low priority
	 * @param running jobs assigned to workers
	 * @param workers workers that registered the function
	 * @param waiting jobs waiting to be retried after a failed attempt
	 * @param paused whether an operator paused it: it takes jobs but hands none out
	 * @param scheduled epoch jobs whose time has not come (counted in {@code queuedNormal} too, as {@code status}
	 * counts them)
	 */
	public record FunctionStatus(String name, int queuedHigh, int queuedNormal, int queuedLow, int running,
			int workers, int waiting, boolean paused, int scheduled) {

		static FunctionStatus of(JobFunction f) {
			int scheduled = f.count(JobState.SCHEDULED);
			return new FunctionStatus(f.name, f.queued(Priority.HIGH), f.queued(Priority.NORMAL) + scheduled,
					f.queued(Priority.LOW), f.running(), f.workers.size(), f.count(JobState.WAITING), f.paused,
					scheduled);
		}

		static List<FunctionStatus> sorted(FunctionTable table) {
			List<FunctionStatus> functions = new ArrayList<>(table.size());
			for (JobFunction f : table.all()) {
				functions.add(of(f));
			}
			functions.sort((a, b) -> a.name().compareTo(b.name()));
			return List.copyOf(functions);
		}

		/**
		 * Jobs waiting at any priority.
		 * @return the sum of the three queues
		 */
		public int queued() {
			return this.queuedHigh + this.queuedNormal + this.queuedLow;
		}

	}

}
