/**
 * {@link dev.gearman.spring.annotation.GearmanFunction}: bean methods that serve Gearman jobs.
 */
@NullMarked
package dev.gearman.spring.annotation;

import org.jspecify.annotations.NullMarked;
