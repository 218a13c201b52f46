package dev.gearman.worker;

/**
 * The code behind a Gearman function. Returning sends WORK_COMPLETE with the returned bytes; throwing
 * {@link FailJobException} sends its reason as WORK_WARNING, then WORK_FAIL; throwing anything else sends
 * WORK_EXCEPTION with {@code ExceptionClass: message} (after the {@code [no-retry]} marker for a
 * {@link PermanentJobFailure}).
 */
@FunctionalInterface
public interface JobHandler {

	/**
	 * Runs one job.
	 * @param job the job and the means to report progress
	 * @return the result, or {@code null} for an empty one
	 * @throws Exception to report an exception to the client
	 */
	byte[] execute(JobContext job) throws Exception;

}
