package dev.gearman.server.engine;

/**
 * How long a function's jobs ran on their workers, and how many completed and failed: counters and a compact
 * log-linear histogram (4 buckets per power of two of microseconds, so a percentile is off by at most 19 %), for the
 * dashboard's per-function p50/p99 with any number of functions. The histogram is allocated when the first job of
 * the function finishes, so names nobody runs jobs for cost nothing. Engine-thread only.
 */
final class RunTimes {

	private static final int SUB_BUCKETS = 4;

	/** Up to 2^40 µs (12 days); longer runs land in the last bucket. */
	private static final int BUCKETS = 41 * SUB_BUCKETS;

	long completed;

	long failed;

	private int[] histogram;

	private long recorded;

	void record(long runNanos, boolean success) {
		if (success) {
			this.completed++;
		}
		else {
			this.failed++;
		}
		if (this.histogram == null) {
			this.histogram = new int[BUCKETS];
		}
		this.histogram[bucket(Math.max(0, runNanos / 1000))]++;
		this.recorded++;
	}

	/**
	 * The run time below which a share of the recorded jobs finished, in microseconds (the upper bound of its
	 * bucket); 0 if none was recorded.
	 */
	long percentileMicros(double share) {
		if (this.recorded == 0) {
			return 0;
		}
		long rank = (long) Math.ceil(share * this.recorded);
		long seen = 0;
		for (int i = 0; i < BUCKETS; i++) {
			seen += this.histogram[i];
			if (seen >= rank) {
				return upperBound(i);
			}
		}
		return upperBound(BUCKETS - 1);
	}

	static int bucket(long micros) {
		if (micros < SUB_BUCKETS) {
			return (int) micros;
		}
		int power = 63 - Long.numberOfLeadingZeros(micros);
		int sub = (int) ((micros >>> (power - 2)) & (SUB_BUCKETS - 1));
		return Math.min(BUCKETS - 1, (power - 1) * SUB_BUCKETS + sub);
	}

	static long upperBound(int bucket) {
		if (bucket < SUB_BUCKETS) {
			return bucket + 1;
		}
		int power = bucket / SUB_BUCKETS + 1;
		int sub = bucket % SUB_BUCKETS;
		return ((long) (SUB_BUCKETS + sub + 1)) << (power - 2);
	}

}
