/**
 * Interfaces for the scanning test.
 */
@NullMarked
package dev.gearman.spring.service.scanned;

import org.jspecify.annotations.NullMarked;
