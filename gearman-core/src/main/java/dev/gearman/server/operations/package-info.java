/**
 * What operators do with failed jobs, over every transport the same: list, look at, requeue and purge dead letters
 * ({@link dev.gearman.server.operations.DeadLetterService}), read a job's history
 * ({@link dev.gearman.server.operations.JobHistoryService}), as admin text commands
 * ({@link dev.gearman.server.operations.OperatorCommands}) and, in the Spring modules, over HTTP and through the
 * template. Store calls run off the engine thread, on a bounded executor.
 */
@NullMarked
package dev.gearman.server.operations;

import org.jspecify.annotations.NullMarked;
