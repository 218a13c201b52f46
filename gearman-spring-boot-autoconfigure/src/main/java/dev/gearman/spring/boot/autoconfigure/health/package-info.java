/**
 * Auto-configuration of the Gearman health indicator.
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
