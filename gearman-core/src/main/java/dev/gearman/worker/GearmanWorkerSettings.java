package dev.gearman.worker;

import java.util.List;

import dev.gearman.connection.ConnectionSettings;
import dev.gearman.connection.ServerAddress;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link GearmanWorker}.
 *
 * @param servers the job servers to take jobs from, all of them
 * @param connection connect timeout, reconnect backoff and packet size limit
 * @param clientId id sent with SET_CLIENT_ID, shown by the admin command {@code workers}
 * @param concurrency most jobs this worker runs at once, across functions and servers
 * @param maxResultSize results larger than this are replaced by a WORK_EXCEPTION, since the server would
 * refuse the packet and the job would run again
 */
public record GearmanWorkerSettings(List<ServerAddress> servers, ConnectionSettings connection,
		@Nullable String clientId, int concurrency, long maxResultSize) {

	/**
	 * Validates the settings.
	 */
	public GearmanWorkerSettings {
		if (servers.isEmpty()) {
			throw new IllegalArgumentException("servers: none (expected: at least one job server)");
		}
		servers = List.copyOf(servers);
		if (concurrency < 1) {
			throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
		}
	}

	/**
	 * Defaults for the given servers: one job at a time.
	 * @param servers {@code host:port} strings
	 * @return the settings
	 */
	public static GearmanWorkerSettings of(String... servers) {
		return new GearmanWorkerSettings(ServerAddress.parseAll(List.of(servers)), ConnectionSettings.DEFAULTS, null,
				1, ConnectionSettings.DEFAULTS.maxPacketSize() - 1024);
	}

	public GearmanWorkerSettings withConcurrency(int concurrency) {
		return new GearmanWorkerSettings(this.servers, this.connection, this.clientId, concurrency,
				this.maxResultSize);
	}

	public GearmanWorkerSettings withClientId(@Nullable String id) {
		return new GearmanWorkerSettings(this.servers, this.connection, id, this.concurrency, this.maxResultSize);
	}

	public GearmanWorkerSettings withConnection(ConnectionSettings connection) {
		return new GearmanWorkerSettings(this.servers, connection, this.clientId, this.concurrency,
				this.maxResultSize);
	}

}
