/**
 * Auto-configuration of Gearman metrics.
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
