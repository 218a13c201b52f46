package dev.gearman.server.engine;

import org.jspecify.annotations.Nullable;

/**
 * The unique-id reservations of live jobs, kept in each {@link JobFunction}'s maps on behalf of {@link JobRegistry}:
 * a submission with the unique id of a live job of the same function joins it. An empty unique id reserves nothing;
 * the unique {@code "-"} coalesces on the payload. Engine-thread only.
 */
final class UniqueIds {

	private UniqueIds() {
	}

	static @Nullable Job find(JobFunction function, String unique, byte[] data) {
		if (unique.isEmpty()) {
			return null;
		}
		if (DataKey.UNIQUE_BY_DATA.equals(unique)) {
			return (data.length == 0) ? null : function.byData.get(new DataKey(data));
		}
		return function.byUnique.get(unique);
	}

	static void reserve(Job job) {
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
	}

	static void unreserve(Job job) {
		if (job.unique.isEmpty()) {
			return;
		}
		if (DataKey.UNIQUE_BY_DATA.equals(job.unique)) {
			if (job.data.length > 0) {
				job.function.byData.remove(new DataKey(job.data), job);
			}
			return;
		}
		job.function.byUnique.remove(job.unique, job);
	}

}
