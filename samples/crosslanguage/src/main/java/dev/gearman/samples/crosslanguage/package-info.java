/**
 * Gearman across languages: a PHP client calls a Java worker, and a Java client calls a PHP worker.
 */
@NullMarked
package dev.gearman.samples.crosslanguage;

import org.jspecify.annotations.NullMarked;
