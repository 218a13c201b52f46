package dev.gearman.worker;

/**
 * Marks an exception a job can never get past by running again, e.g. a workload that cannot be read. The worker
 * sends it as WORK_EXCEPTION starting with the {@code [no-retry]} marker, so a job server with a retry policy ends
 * the job at once instead of running it again.
 */
public interface PermanentJobFailure {

}
