/**
 * Image resizing offloaded from a web request to Gearman workers, several sizes in parallel.
 */
@NullMarked
package dev.gearman.samples.thumbnails;

import org.jspecify.annotations.NullMarked;
