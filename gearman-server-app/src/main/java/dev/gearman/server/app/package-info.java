/**
 * The executable Gearman job server.
 */
@NullMarked
package dev.gearman.server.app;

import org.jspecify.annotations.NullMarked;
