package dev.gearman.worker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * A set of functions a worker grabs jobs for over one connection per job server.
 * <p>
 * A server may answer GRAB_JOB with a job of any function the connection registered, so a connection can only
 * ask for a job when every one of its functions has a free slot. Functions with no limit of their own share one
 * lane; each function with a per-function limit gets a lane of its own, whose connections simply stop grabbing
 * while the function is at its limit. No CANT_DO is ever needed to say "busy" — which matters, because gearmand
 * takes CANT_DO as "give my running jobs of this function to someone else".
 */
final class WorkerLane {

	private final @Nullable FunctionRegistration limited;

	private final Map<String, FunctionRegistration> functions = new ConcurrentHashMap<>();

	private final List<WorkerConnection> connections = new CopyOnWriteArrayList<>();

	/** Jobs of this lane running or being asked for; guarded by the worker's slot lock. */
	int active;

	private WorkerLane(@Nullable FunctionRegistration limited) {
		this.limited = limited;
		if (limited != null) {
			this.functions.put(limited.name(), limited);
		}
	}

	/** The lane of the functions without a limit of their own. */
	static WorkerLane shared() {
		return new WorkerLane(null);
	}

	/** The lane of one function with a per-function limit. */
	static WorkerLane limitedTo(FunctionRegistration function) {
		return new WorkerLane(function);
	}

	/** @return most jobs of this lane at once, 0 for only the worker's overall limit */
	int limit() {
		return (this.limited != null) ? this.limited.concurrency() : 0;
	}

	void add(FunctionRegistration function) {
		if (this.limited != null) {
			throw new IllegalStateException("lane of '" + this.limited.name() + "' takes no other function");
		}
		this.functions.put(function.name(), function);
	}

	@Nullable FunctionRegistration function(String name) {
		return this.functions.get(name);
	}

	Iterable<FunctionRegistration> functions() {
		return this.functions.values();
	}

	List<WorkerConnection> connections() {
		return this.connections;
	}

	@Override
	public String toString() {
		return (this.limited != null) ? "lane of '" + this.limited.name() + "' (limit " + limit() + ")"
				: "shared lane " + this.functions.keySet();
	}

}
