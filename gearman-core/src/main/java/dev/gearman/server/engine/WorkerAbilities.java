package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a worker can do: CAN_DO, CAN_DO_TIMEOUT, CANT_DO and RESET_ABILITIES, kept on both sides (the session's
 * abilities and the function's workers). A worker that gives up a function lets go of its jobs of that function.
 * Engine-thread only.
 */
final class WorkerAbilities {

	private final FunctionTable functions;

	private final JobDispatcher dispatcher;

	WorkerAbilities(FunctionTable functions, JobDispatcher dispatcher) {
		this.functions = functions;
		this.dispatcher = dispatcher;
	}

	/**
	 * Registers a function for a worker.
	 * @param timeoutMillis the CAN_DO_TIMEOUT in milliseconds, 0 for none
	 */
	void canDo(Session worker, String name, long timeoutMillis) {
		JobFunction function = this.functions.function(name);
		worker.abilities.put(function, timeoutMillis);
		function.workers.add(worker);
		if (worker.sleeping) {
			function.sleepers.add(worker);
		}
	}

	void cantDo(Session worker, String name) {
		JobFunction function = this.functions.existing(name);
		if (function != null && worker.abilities.remove(function) != null) {
			function.workers.remove(worker);
			function.sleepers.remove(worker);
			letGoRunning(worker, function);
		}
	}

	void resetAbilities(Session worker) {
		for (Map.Entry<JobFunction, Long> entry : worker.abilities.entrySet()) {
			entry.getKey().workers.remove(worker);
			entry.getKey().sleepers.remove(worker);
		}
		worker.abilities.clear();
		letGoRunning(worker, null);
	}

	private void letGoRunning(Session worker, @Nullable JobFunction only) {
		for (Job job : new ArrayList<>(worker.running)) {
			if (only == null || job.function == only) {
				this.dispatcher.letGo(job);
			}
		}
	}

}
