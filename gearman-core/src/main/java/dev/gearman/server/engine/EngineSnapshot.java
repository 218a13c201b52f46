package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A consistent view of the engine's counters at one moment, taken on the engine thread.
 *
 * @param connections open connections
 * @param jobs jobs the engine knows, in any state
 * @param functions per-function counters, sorted by name
 * @param engineFailures commands that failed with an unexpected exception since start
 */
public record EngineSnapshot(int connections, int jobs, List<FunctionStatus> functions, long engineFailures) {

	static EngineSnapshot of(EngineState state) {
		List<FunctionStatus> functions = new ArrayList<>(state.functions.size());
		for (FunctionQueue f : state.functions.values()) {
			functions.add(new FunctionStatus(f.name, f.queued(Priority.HIGH), f.queued(Priority.NORMAL) + f.scheduled,
					f.queued(Priority.LOW), f.running, f.workers.size()));
		}
		functions.sort((a, b) -> a.name().compareTo(b.name()));
		return new EngineSnapshot(state.sessions.size(), state.jobs.size(), List.copyOf(functions),
				state.loop.failures());
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
	 */
	public record FunctionStatus(String name, int queuedHigh, int queuedNormal, int queuedLow, int running,
			int workers) {
	}

}
