package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Map;

import dev.gearman.protocol.Packet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker can do: CAN_DO, CAN_DO_TIMEOUT, CANT_DO and RESET_ABILITIES, kept on both sides (the session's
 * abilities and the function's workers). A worker that gives up a function lets go of its jobs of that function.
 * Engine-thread only.
 */
final class WorkerAbilities {

	private static final Logger logger = LoggerFactory.getLogger(WorkerAbilities.class);

	private final FunctionTable functions;

	private final JobDispatcher dispatcher;

	private final Outbox outbox;

	private final int maxAbilities;

	private final AccessGate gate;

	WorkerAbilities(FunctionTable functions, JobDispatcher dispatcher, Outbox outbox, AccessGate gate,
			int maxAbilities) {
		this.functions = functions;
		this.gate = gate;
		this.dispatcher = dispatcher;
		this.outbox = outbox;
		this.maxAbilities = maxAbilities;
	}

	/**
	 * Registers a function for a worker.
	 * @param timeoutMillis the CAN_DO_TIMEOUT in milliseconds, 0 for none
	 */
	void canDo(Session worker, String name, long timeoutMillis) {
		if (!this.functions.isValidName(name)) {
			refuse(worker, "ARGUMENT_TOO_LARGE", "Function name too long (expected: at most "
					+ this.functions.maxNameLength() + " bytes)");
			return;
		}
		if (!this.gate.mayWork(worker, name)) {
			return;
		}
		JobFunction existing = this.functions.existing(name);
		if (existing == null || !worker.abilities.containsKey(existing)) {
			if (this.maxAbilities > 0 && worker.abilities.size() >= this.maxAbilities) {
				refuse(worker, "TOO_MANY_FUNCTIONS",
						"Worker registered too many functions (expected: at most " + this.maxAbilities + ")");
				return;
			}
		}
		JobFunction function = (existing != null) ? existing : this.functions.function(name);
		if (function == null) {
			refuse(worker, "TOO_MANY_FUNCTIONS", "Server knows too many functions");
			return;
		}
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
			this.functions.checkIdle(function);
		}
	}

	void resetAbilities(Session worker) {
		if (worker.abilities.isEmpty() && worker.running.isEmpty()) {
			return;
		}
		ArrayList<JobFunction> gone = new ArrayList<>(worker.abilities.keySet());
		for (Map.Entry<JobFunction, Long> entry : worker.abilities.entrySet()) {
			entry.getKey().workers.remove(worker);
			entry.getKey().sleepers.remove(worker);
		}
		worker.abilities.clear();
		letGoRunning(worker, null);
		for (JobFunction function : gone) {
			this.functions.checkIdle(function);
		}
	}

	/** Tells the worker why a CAN_DO did nothing, once per connection in the log. */
	private void refuse(Session worker, String code, String text) {
		this.outbox.send(worker, Packet.error(code, text));
		if (!worker.refusedAbility) {
			worker.refusedAbility = true;
			logger.warn("Refusing CAN_DO from {}: {}", worker, text);
		}
	}

	private void letGoRunning(Session worker, @Nullable JobFunction only) {
		for (Job job : new ArrayList<>(worker.running)) {
			if (only == null || job.function == only) {
				this.dispatcher.letGo(job);
			}
		}
	}

}
