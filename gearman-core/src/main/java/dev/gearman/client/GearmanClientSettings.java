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
 * @param failIfNoWorker whether a foreground call of a function no worker has registered fails at once with
 * {@link GearmanNoWorkerException} instead of waiting for its timeout; the client asks each server for it with
 * OPTION_REQ {@code fail-if-no-worker}, which our job server offers and gearmand refuses (calls through gearmand
 * then wait as before)
 */
public record GearmanClientSettings(List<ServerAddress> servers, ConnectionSettings connection,
		@Nullable Duration defaultTimeout, @Nullable String clientId, int ioThreads, boolean failIfNoWorker) {

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
	 * Settings in which calls of functions without a worker wait for their timeout.
	 * @param servers the job servers
	 * @param connection connect timeout, reconnect backoff and packet size limit
	 * @param defaultTimeout timeout of calls that set none; {@code null} waits as long as the job takes
	 * @param clientId id sent with SET_CLIENT_ID; {@code null} for none
	 * @param ioThreads number of network threads
	 */
	public GearmanClientSettings(List<ServerAddress> servers, ConnectionSettings connection,
			@Nullable Duration defaultTimeout, @Nullable String clientId, int ioThreads) {
		this(servers, connection, defaultTimeout, clientId, ioThreads, false);
	}

	/**
	 * Defaults for the given servers: no call timeout, one network thread.
	 * @param servers {@code host:port} strings
	 * @return the settings
	 */
	public static GearmanClientSettings of(String... servers) {
		return new GearmanClientSettings(ServerAddress.parseAll(List.of(servers)), ConnectionSettings.DEFAULTS, null,
				null, 1, false);
	}

	/**
	 * A copy with another default timeout.
	 * @param timeout the timeout of calls that set none; {@code null} to wait as long as the job takes
	 * @return the settings
	 */
	public GearmanClientSettings withDefaultTimeout(@Nullable Duration timeout) {
		return new GearmanClientSettings(this.servers, this.connection, timeout, this.clientId, this.ioThreads,
				this.failIfNoWorker);
	}

	/**
	 * A copy with another client id.
	 * @param id the id sent with SET_CLIENT_ID; {@code null} for none
	 * @return the settings
	 */
	public GearmanClientSettings withClientId(@Nullable String id) {
		return new GearmanClientSettings(this.servers, this.connection, this.defaultTimeout, id, this.ioThreads,
				this.failIfNoWorker);
	}

	/**
	 * A copy with other connection settings.
	 * @param connection connect timeout, reconnect backoff and packet size limit
	 * @return the settings
	 */
	public GearmanClientSettings withConnection(ConnectionSettings connection) {
		return new GearmanClientSettings(this.servers, connection, this.defaultTimeout, this.clientId,
				this.ioThreads, this.failIfNoWorker);
	}

	/**
	 * A copy that fails calls of functions without a worker at once, or not.
	 * @param failIfNoWorker see {@link #failIfNoWorker()}
	 * @return the settings
	 */
	public GearmanClientSettings withFailIfNoWorker(boolean failIfNoWorker) {
		return new GearmanClientSettings(this.servers, this.connection, this.defaultTimeout, this.clientId,
				this.ioThreads, failIfNoWorker);
	}

}
