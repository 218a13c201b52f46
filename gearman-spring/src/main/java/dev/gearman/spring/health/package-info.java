/**
 * Health indicators for Gearman clients, workers and the embedded job server.
 */
@NullMarked
package dev.gearman.spring.health;

import org.jspecify.annotations.NullMarked;
