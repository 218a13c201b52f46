/**
 * The Gearman client: submits foreground and background jobs to one or more job servers, asynchronously.
 */
@NullMarked
package dev.gearman.client;

import org.jspecify.annotations.NullMarked;
