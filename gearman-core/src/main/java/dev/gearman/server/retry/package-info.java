/**
 * What happens to a job whose attempt failed: {@link dev.gearman.server.retry.RetryPolicy} (run again at once or
 * after a backoff, or end, as a dead letter for background jobs) and {@link dev.gearman.server.retry.RetryRules}
 * (a policy per function).
 */
@NullMarked
package dev.gearman.server.retry;

import org.jspecify.annotations.NullMarked;
