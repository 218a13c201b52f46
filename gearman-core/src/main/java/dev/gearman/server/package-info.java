/**
 * The Gearman job server: a Netty listener that speaks gearmand's binary and admin protocols, in front of the
 * single-threaded job engine.
 */
@NullMarked
package dev.gearman.server;

import org.jspecify.annotations.NullMarked;
