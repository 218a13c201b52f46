package dev.gearman.client;

import java.time.Duration;
import java.util.List;

import dev.gearman.connection.ConnectionSettings;
import dev.gearman.connection.ServerAddress;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link GearmanClient}.
 *
 * @param servers the job servers; jobs are spread over them
 * @param connection connect timeout, reconnect backoff and packet size limit
 * @param defaultTimeout timeout of calls that set none; {@code null} waits as long as the job takes
 * @param clientId id sent with SET_CLIENT_ID, shown by the admin command {@code workers}; {@code null} for none
 * @param ioThreads number of network threads
 */
public record GearmanClientSettings(List<ServerAddress> servers, ConnectionSettings connection,
		@Nullable Duration defaultTimeout, @Nullable String clientId, int ioThreads) {

	/**
	 * Validates the settings.
	 */
	public GearmanClientSettings {
		if (servers.isEmpty()) {
			throw new IllegalArgumentException("servers: none (expected: at least one job server)");
		}
		servers = List.copyOf(servers);
		if (ioThreads < 1) {
			throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 1)");
		}
	}

	/**
	 * Defaults for the given servers: no call timeout, one network thread.
	 * @param servers {@code host:port} strings
	 * @return the settings
	 */
	public static GearmanClientSettings of(String... servers) {
		return new GearmanClientSettings(ServerAddress.parseAll(List.of(servers)), ConnectionSettings.DEFAULTS, null,
				null, 1);
	}

	public GearmanClientSettings withDefaultTimeout(@Nullable Duration timeout) {
		return new GearmanClientSettings(this.servers, this.connection, timeout, this.clientId, this.ioThreads);
	}

	public GearmanClientSettings withClientId(@Nullable String id) {
		return new GearmanClientSettings(this.servers, this.connection, this.defaultTimeout, id, this.ioThreads);
	}

	public GearmanClientSettings withConnection(ConnectionSettings connection) {
		return new GearmanClientSettings(this.servers, connection, this.defaultTimeout, this.clientId,
				this.ioThreads);
	}

}
