/**
 * Auto-configuration of the Gearman dashboard ({@code gearman-dashboard}) for an embedded job server.
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure.dashboard;

import org.jspecify.annotations.NullMarked;
