/**
 * Map/reduce with Gearman: an access log split into chunks, the chunks counted on workers in parallel, the
 * partial counts merged into a report.
 */
@NullMarked
package dev.gearman.samples.mapreduce;

import org.jspecify.annotations.NullMarked;
