package dev.gearman.client;

/**
 * A job's status as the job server reports it (STATUS_RES or STATUS_RES_UNIQUE).
 *
 * @param id the handle or unique id asked about
 * @param known whether the server knows the job (queued or running)
 * @param running whether a worker is running it
 * @param numerator progress reported by the worker
 * @param denominator total reported by the worker
 * @param waitingClients foreground clients waiting for the job; -1 when asked by handle
 */
public record JobStatus(String id, boolean known, boolean running, long numerator, long denominator,
		int waitingClients) {

	/**
	 * Progress as a fraction.
	 * @return numerator / denominator, or 0 when no progress was reported
	 */
	public double progress() {
		return (this.denominator > 0) ? (double) this.numerator / this.denominator : 0;
	}

}
