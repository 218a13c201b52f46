/**
 * The Gearman worker: registers functions with one or more job servers and runs the jobs they assign.
 */
@NullMarked
package dev.gearman.worker;

import org.jspecify.annotations.NullMarked;
