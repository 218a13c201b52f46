package dev.gearman.server.engine;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The unique-id reservations of live jobs, on behalf of {@link JobRegistry}: a submission with the unique id of a
 * live job of the same function joins it. The per-function maps live in each {@link JobFunction}; this class also
 * keeps every job with a unique id in one index by unique alone, for GET_STATUS_UNIQUE (which names no function),
 * so that query costs one lookup and not a walk over every function. Jobs sharing a unique id across functions are
 * linked through their own fields. An empty unique id reserves nothing; the unique {@code "-"} coalesces on the
 * payload. String keys are {@link Comparable}, so colliding hashes cost O(log n) per lookup, not O(n).
 * Engine-thread only.
 */
final class UniqueIds {

	/** The first of the live jobs with each unique id, whatever their function; the others hang off it. */
	private final Map<String, Job> anyFunction = new HashMap<>();

	@Nullable Job find(JobFunction function, String unique, byte[] data) {
		if (unique.isEmpty()) {
			return null;
		}
		if (DataKey.UNIQUE_BY_DATA.equals(unique)) {
			return (data.length == 0) ? null : function.byData.get(new DataKey(data));
		}
		return function.byUnique.get(unique);
	}

	@Nullable Job anyFunction(String unique) {
		return this.anyFunction.get(unique);
	}

	void reserve(Job job) {
		if (job.unique.isEmpty()) {
			return;
		}
		if (DataKey.UNIQUE_BY_DATA.equals(job.unique)) {
			if (job.data.length > 0) {
				job.function.byData.put(new DataKey(job.data), job);
			}
			return;
		}
		job.function.byUnique.put(job.unique, job);
		Job first = this.anyFunction.putIfAbsent(job.unique, job);
		if (first != null) {
			// after the first: O(1) to add and to remove
			job.nextSameUnique = first.nextSameUnique;
			job.prevSameUnique = first;
			if (first.nextSameUnique != null) {
				first.nextSameUnique.prevSameUnique = job;
			}
			first.nextSameUnique = job;
		}
	}

	void unreserve(Job job) {
		if (job.unique.isEmpty()) {
			return;
		}
		if (DataKey.UNIQUE_BY_DATA.equals(job.unique)) {
			if (job.data.length > 0) {
				job.function.byData.remove(new DataKey(job.data), job);
			}
			return;
		}
		if (!job.function.byUnique.remove(job.unique, job)) {
			return;
		}
		Job next = job.nextSameUnique;
		Job prev = job.prevSameUnique;
		if (prev == null) {
			if (next == null) {
				this.anyFunction.remove(job.unique, job);
			}
			else {
				next.prevSameUnique = null;
				this.anyFunction.put(job.unique, next);
			}
		}
		else {
			prev.nextSameUnique = next;
			if (next != null) {
				next.prevSameUnique = prev;
			}
		}
		job.nextSameUnique = null;
		job.prevSameUnique = null;
	}

	int size() {
		return this.anyFunction.size();
	}

}
