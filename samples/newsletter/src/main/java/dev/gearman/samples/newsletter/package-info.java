/**
 * A newsletter delivered in background batches, every address recorded in a database: a failed delivery is
 * retried only for the addresses that failed, and nobody gets it twice.
 */
@NullMarked
package dev.gearman.samples.newsletter;

import org.jspecify.annotations.NullMarked;
