package dev.gearman.connection;

import java.time.Duration;

import dev.gearman.protocol.GearmanConstants;
import org.jspecify.annotations.Nullable;

/**
 * How clients and workers connect to job servers.
 *
 * @param connectTimeout TCP connect timeout; with TLS it also bounds the handshake
 * @param reconnectInitial first reconnect delay after a failure
 * @param reconnectMax cap of the exponentially growing reconnect delay
 * @param maxPacketSize largest packet accepted from a server
 * @param tls TLS to every server, {@code null} for plaintext
 */
public record ConnectionSettings(Duration connectTimeout, Duration reconnectInitial, Duration reconnectMax,
		long maxPacketSize, @Nullable ClientTls tls) {

	/** Defaults: 5 s connect timeout, reconnect after 100 ms doubling up to 10 s, 64 MiB packets, no TLS. */
	public static final ConnectionSettings DEFAULTS = new ConnectionSettings(Duration.ofSeconds(5),
			Duration.ofMillis(100), Duration.ofSeconds(10), GearmanConstants.DEFAULT_MAX_PACKET_SIZE);

	/**
	 * Plaintext settings.
	 * @param connectTimeout TCP connect timeout
	 * @param reconnectInitial first reconnect delay after a failure
	 * @param reconnectMax cap of the exponentially growing reconnect delay
	 * @param maxPacketSize largest packet accepted from a server
	 */
	public ConnectionSettings(Duration connectTimeout, Duration reconnectInitial, Duration reconnectMax,
			long maxPacketSize) {
		this(connectTimeout, reconnectInitial, reconnectMax, maxPacketSize, null);
	}

	/**
	 * These settings with TLS to every server.
	 * @param tls the TLS context, {@code null} for plaintext
	 * @return new settings
	 */
	public ConnectionSettings withTls(@Nullable ClientTls tls) {
		return new ConnectionSettings(this.connectTimeout, this.reconnectInitial, this.reconnectMax,
				this.maxPacketSize, tls);
	}

}
