/**
 * Auto-configuration of the Gearman client template and {@code @GearmanFunction} workers ({@code gearman.*}).
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure;

import org.jspecify.annotations.NullMarked;
