/**
 * Spring-side runtime: the client template, payload conversion and the worker registry behind
 * {@code @GearmanFunction}.
 */
@NullMarked
package dev.gearman.spring.core;

import org.jspecify.annotations.NullMarked;
