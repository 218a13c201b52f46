package dev.gearman.connection;

import java.time.Duration;

import dev.gearman.protocol.GearmanConstants;

/**
 * How clients and workers connect to job servers.
 *
 * @param connectTimeout TCP connect timeout
 * @param reconnectInitial first reconnect delay after a failure
 * @param reconnectMax cap of the exponentially growing reconnect delay
 * @param maxPacketSize largest packet accepted from a server
 */
public record ConnectionSettings(Duration connectTimeout, Duration reconnectInitial, Duration reconnectMax,
		long maxPacketSize) {

	/** Defaults: 5 s connect timeout, reconnect after 100 ms doubling up to 10 s, 64 MiB packets. */
	public static final ConnectionSettings DEFAULTS = new ConnectionSettings(Duration.ofSeconds(5),
			Duration.ofMillis(100), Duration.ofSeconds(10), GearmanConstants.DEFAULT_MAX_PACKET_SIZE);

}
