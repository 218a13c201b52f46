/**
 * The Gearman hello world: a {@code reverse} worker and a client that calls it.
 */
@NullMarked
package dev.gearman.samples.reverse;

import org.jspecify.annotations.NullMarked;
