package dev.gearman.server.engine;

/**
 * The numbers the registry keeps so that nobody has to count jobs: live jobs per {@link JobState}, jobs ended per
 * {@link EndReason} since start, and the payload bytes all live jobs hold, with the queued-bytes limits checked
 * against them. Part of {@link JobRegistry}, which tells it of every move, entry and end; all reads are constant
 * time, so the dashboard's counters cost nothing. Engine-thread only.
 */
final class JobCounts {

	/** Live jobs per state, over all functions. */
	private final int[] byState = new int[JobState.values().length];

	/** Jobs that ended per {@link EndReason} since start, for the dashboard's rates. */
	private final long[] ended = new long[EndReason.values().length];

	/** Payload bytes all live jobs hold. */
	private long payloadBytes;

	private final long maxPayloadBytes;

	private final long maxPayloadBytesPerFunction;

	/**
	 * @param maxPayloadBytes most payload bytes all live jobs may hold
	 * @param maxPayloadBytesPerFunction most payload bytes one function's live jobs may hold, 0 = no own limit
	 */
	JobCounts(long maxPayloadBytes, long maxPayloadBytesPerFunction) {
		this.maxPayloadBytes = maxPayloadBytes;
		this.maxPayloadBytesPerFunction = maxPayloadBytesPerFunction;
	}

	/** Whether a new job with this much payload fits the queued-bytes limits. */
	boolean hasRoomFor(JobFunction function, long size) {
		if (this.payloadBytes + size > this.maxPayloadBytes) {
			return false;
		}
		return this.maxPayloadBytesPerFunction <= 0
				|| function.payloadBytes + size <= this.maxPayloadBytesPerFunction;
	}

	long payloadBytes() {
		return this.payloadBytes;
	}

	int count(JobState state) {
		return this.byState[state.ordinal()];
	}

	/** Jobs held by workers, abandoned ones included. */
	int running() {
		return count(JobState.RUNNING) + count(JobState.ABANDONED);
	}

	/** Jobs that ended for this reason since start. */
	long ended(EndReason reason) {
		return this.ended[reason.ordinal()];
	}

	/** A job entered the registry holding this much payload; its function holds it too. */
	void entered(Job job, int payloadSize) {
		job.payloadSize = payloadSize;
		this.payloadBytes += payloadSize;
		job.function.payloadBytes += payloadSize;
	}

	/** A job moved; only live states are counted. */
	void moved(JobState from, JobState to) {
		if (from.isLive()) {
			this.byState[from.ordinal()]--;
		}
		if (to.isLive()) {
			this.byState[to.ordinal()]++;
		}
	}

	/** A job is leaving the registry: its payload is no longer held. */
	void left(Job job) {
		this.payloadBytes -= job.payloadSize;
		job.function.payloadBytes -= job.payloadSize;
	}

	/** A job ended for this reason. */
	void countEnd(EndReason reason) {
		this.ended[reason.ordinal()]++;
	}

}
