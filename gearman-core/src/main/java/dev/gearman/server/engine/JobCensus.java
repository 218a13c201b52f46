package dev.gearman.server.engine;

import java.util.Collection;

/**
 * What the {@link JobRegistry} holds at one moment, for tests that check a scenario leaves nothing dangling. Taken
 * on the engine thread; a value, safe to read anywhere.
 *
 * @param jobs live jobs
 * @param uniques unique-id reservations
 * @param storedRows jobs whose row the store holds
 * @param payloadBuffers payload buffers jobs hold
 * @param pendingStores store inserts not answered yet
 */
record JobCensus(int jobs, int uniques, int storedRows, int payloadBuffers, int pendingStores) {

	static final JobCensus EMPTY = new JobCensus(0, 0, 0, 0, 0);

	/**
	 * Counts what these live jobs hold.
	 * @param reservations the unique ids reserved outside the functions' own tables
	 */
	static JobCensus of(Collection<Job> jobs, Collection<JobFunction> functions, int reservations,
			int pendingStores) {
		int uniques = reservations;
		for (JobFunction function : functions) {
			uniques += function.byUnique.size() + function.byData.size();
		}
		int stored = 0;
		int buffers = 0;
		for (Job job : jobs) {
			stored += (job.persistence == Job.Persistence.STORED) ? 1 : 0;
			buffers += (job.payloadBuffer != null) ? 1 : 0;
		}
		return new JobCensus(jobs.size(), uniques, stored, buffers, pendingStores);
	}

}
