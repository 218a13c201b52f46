/**
 * A durable {@link dev.gearman.server.store.JobStore} on JDBC: the {@code gearman_queue} table, written with group
 * commit by one writer thread, and replayed at startup.
 */
@NullMarked
package dev.gearman.server.store.jdbc;

import org.jspecify.annotations.NullMarked;
