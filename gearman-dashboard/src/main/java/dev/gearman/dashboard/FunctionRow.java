package dev.gearman.dashboard;

import dev.gearman.server.engine.EngineQueries;
import dev.gearman.server.engine.EngineSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * One function as the dashboard lists it: its jobs per state, its workers, its throughput and run times, and its
 * dead letters.
 *
 * @param name the function name
 * @param queuedHigh jobs ready at high priority
 * @param queuedNormal jobs ready at normal priority (epoch jobs not counted: see {@code scheduled})
 * @param queuedLow jobs ready at low priority
 * @param scheduled epoch jobs whose time has not come
 * @param running jobs held by workers
 * @param waiting failed jobs waiting for their next attempt
 * @param workers workers that registered the function
 * @param paused whether an operator paused it
 * @param completed runs completed since the server started
 * @param failed runs failed since the server started
 * @param jobsPerSecond runs finished per second since the previous snapshot, {@code null} without one
 * @param runP50Micros median run time, microseconds, 0 if none ran
 * @param runP99Micros 99th percentile run time, microseconds, 0 if none ran
 * @param dead dead letters kept
 */
public record FunctionRow(String name, int queuedHigh, int queuedNormal, int queuedLow, int scheduled, int running,
		int waiting, int workers, boolean paused, long completed, long failed, @Nullable Double jobsPerSecond,
		long runP50Micros, long runP99Micros, long dead) {

	static FunctionRow of(EngineSnapshot.FunctionStatus status, EngineQueries.@Nullable FunctionStatistics statistics,
			@Nullable FunctionRow previous, double secondsSincePrevious, long dead) {
		long completed = (statistics != null) ? statistics.completed() : 0;
		long failed = (statistics != null) ? statistics.failed() : 0;
		Double rate = null;
		if (previous != null && secondsSincePrevious > 0) {
			long finished = completed + failed - previous.completed() - previous.failed();
			// a restart of the server starts the counts again: no negative rate
			rate = Math.max(0, finished) / secondsSincePrevious;
		}
		return new FunctionRow(status.name(), status.queuedHigh(), status.queuedNormal() - status.scheduled(),
				status.queuedLow(), status.scheduled(), status.running(), status.waiting(), status.workers(),
				status.paused(), completed, failed, rate, (statistics != null) ? statistics.runP50Micros() : 0,
				(statistics != null) ? statistics.runP99Micros() : 0, dead);
	}

	/**
	 * Jobs ready to be handed out, at any priority.
	 * @return the sum of the three queues
	 */
	public int queued() {
		return this.queuedHigh + this.queuedNormal + this.queuedLow;
	}

}
