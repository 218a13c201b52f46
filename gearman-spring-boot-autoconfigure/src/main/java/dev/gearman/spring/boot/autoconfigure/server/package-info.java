/**
 * Auto-configuration of an in-process Gearman job server ({@code gearman.server.*}).
 */
@NullMarked
package dev.gearman.spring.boot.autoconfigure.server;

import org.jspecify.annotations.NullMarked;
