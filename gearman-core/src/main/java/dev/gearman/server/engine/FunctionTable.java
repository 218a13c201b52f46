package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The functions the engine knows, by name: created by the first submission, CAN_DO, {@code maxqueue} or
 * {@code create function} that names them, removed by {@code drop function}. Engine-thread only.
 */
final class FunctionTable {

	private final Map<String, JobFunction> functions = new HashMap<>();

	private final int[] defaultMaxQueue;

	FunctionTable(int defaultMaxQueue) {
		this.defaultMaxQueue = new int[] { defaultMaxQueue, defaultMaxQueue, defaultMaxQueue };
	}

	/** The function of this name, created if it is new. */
	JobFunction function(String name) {
		JobFunction function = this.functions.get(name);
		if (function == null) {
			function = new JobFunction(name, this.defaultMaxQueue);
			this.functions.put(name, function);
		}
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
		this.functions.remove(function.name, function);
		return true;
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

}
