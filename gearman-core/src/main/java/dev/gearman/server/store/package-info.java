/**
 * The persistence SPI for background jobs, and the in-memory implementation that persists nothing.
 */
@NullMarked
package dev.gearman.server.store;

import org.jspecify.annotations.NullMarked;
