/**
 * The Gearman wire protocol: packet model, packet types and the Netty codec for the binary protocol and the
 * line-based admin protocol that share one TCP port.
 */
@NullMarked
package dev.gearman.protocol;

import org.jspecify.annotations.NullMarked;
