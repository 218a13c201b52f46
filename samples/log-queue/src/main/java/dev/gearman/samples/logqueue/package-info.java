/**
 * Log queue: fire-and-forget background jobs. A client queues log records as JSON; a worker appends them to a
 * file, whenever it gets to them.
 */
@NullMarked
package dev.gearman.samples.logqueue;

import org.jspecify.annotations.NullMarked;
