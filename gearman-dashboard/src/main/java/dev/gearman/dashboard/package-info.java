/**
 * What the Gearman dashboard shows and does, apart from the web: one shared snapshot of the job server per refresh
 * interval while anyone watches ({@link dev.gearman.dashboard.DashboardSnapshots}), an hour of throughput samples
 * ({@link dev.gearman.dashboard.ThroughputHistory}), server-side paging, sorting and filtering, queries of jobs and
 * dead letters ({@link dev.gearman.dashboard.DashboardQueries}) and the operator's actions, each logged with who
 * did it ({@link dev.gearman.dashboard.DashboardActions}).
 */
@NullMarked
package dev.gearman.dashboard;

import org.jspecify.annotations.NullMarked;
