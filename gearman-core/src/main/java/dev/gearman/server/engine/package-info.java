/**
 * The job server engine: all job, function and worker state, confined to one thread ({@link
 * dev.gearman.server.engine.EngineLoop}) so that no lock is taken on the hot path. Network threads decode packets
 * and hand them over as commands; the engine answers through each connection's {@link
 * dev.gearman.server.engine.Session}.
 */
@NullMarked
package dev.gearman.server.engine;

import org.jspecify.annotations.NullMarked;
