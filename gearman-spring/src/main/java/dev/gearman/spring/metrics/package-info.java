/**
 * Micrometer meters for Gearman clients, workers and the embedded job server.
 */
@NullMarked
package dev.gearman.spring.metrics;

import org.jspecify.annotations.NullMarked;
