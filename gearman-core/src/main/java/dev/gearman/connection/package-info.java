/**
 * Connections from clients and workers to job servers: addresses, Netty transport, reconnection with capped
 * exponential backoff.
 */
@NullMarked
package dev.gearman.connection;

import org.jspecify.annotations.NullMarked;
