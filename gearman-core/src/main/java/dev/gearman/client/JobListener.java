package dev.gearman.client;

/**
 * Receives what a worker reports while a foreground job runs. Methods are called on a network thread, in the
 * order the packets arrive; they must not block.
 */
public interface JobListener {

	/**
	 * The server accepted the job.
	 * @param handle the job handle
	 */
	default void onCreated(String handle) {
	}

	/**
	 * A partial result (WORK_DATA).
	 * @param data the data
	 */
	default void onData(byte[] data) {
	}

	/**
	 * A warning (WORK_WARNING).
	 * @param data the warning
	 */
	default void onWarning(byte[] data) {
	}

	/**
	 * Progress (WORK_STATUS).
	 * @param numerator work done
	 * @param denominator work in all
	 */
	default void onStatus(long numerator, long denominator) {
	}

}
