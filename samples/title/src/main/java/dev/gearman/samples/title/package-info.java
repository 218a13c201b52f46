/**
 * Background jobs at three priorities: which queued job a worker gets first.
 */
@NullMarked
package dev.gearman.samples.title;

import org.jspecify.annotations.NullMarked;
