/**
 * Actuator endpoints of the in-process Gearman job server.
 */
@NullMarked
package dev.gearman.spring.actuate;

import org.jspecify.annotations.NullMarked;
