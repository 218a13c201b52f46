/**
 * What happened to background jobs: {@link dev.gearman.server.history.JobEvent}s (submitted, each failed attempt,
 * completed, dead, ...) that the engine records in a {@link dev.gearman.server.history.JobHistoryStore} when the
 * history is on, queryable by job handle and by unique id.
 */
@NullMarked
package dev.gearman.server.history;

import org.jspecify.annotations.NullMarked;
