/**
 * Auto-configuration of the Gearman actuator endpoint.
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
