package dev.gearman.spring.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.gearman.client.GearmanClient;
import dev.gearman.connection.ServerAddress;
import dev.gearman.server.GearmanServer;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.spring.core.GearmanWorkerContainer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the application's Gearman parts: each job server answers the client's ECHO, the worker's connection
 * to each server, and the embedded server's listener. UP while every configured server answers, DOWN if none
 * does or the embedded server is not listening.
 */
public class GearmanHealthIndicator extends AbstractHealthIndicator {

	private final GearmanClient client;

	private final @Nullable GearmanWorkerRegistry workers;

	private final @Nullable GearmanServer server;

	private final Duration timeout;

	/**
	 * Creates the indicator.
	 * @param client the client
	 * @param workers the worker registry, if workers are enabled
	 * @param server the embedded server, if any
	 * @param timeout how long each server may take to answer
	 */
	public GearmanHealthIndicator(GearmanClient client, @Nullable GearmanWorkerRegistry workers,
			@Nullable GearmanServer server, Duration timeout) {
		super("Gearman health check failed");
		this.client = client;
		this.workers = workers;
		this.server = server;
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<ServerAddress, Boolean> reachable = this.client.ping(this.timeout);
		Map<String, String> servers = new LinkedHashMap<>();
		int up = 0;
		for (Map.Entry<ServerAddress, Boolean> entry : reachable.entrySet()) {
			servers.put(entry.getKey().toString(), entry.getValue() ? "UP" : "DOWN");
			up += entry.getValue() ? 1 : 0;
		}
		builder.withDetail("servers", servers);
		GearmanWorkerContainer worker = (this.workers != null) ? this.workers.getContainer() : null;
		if (worker != null) {
			Map<String, String> connections = new LinkedHashMap<>();
			worker.connectivity().forEach((address, connected) -> connections.put(address.toString(),
					connected ? "CONNECTED" : "DISCONNECTED"));
			builder.withDetail("worker", connections).withDetail("jobsInFlight", worker.inFlight());
		}
		boolean serverUp = true;
		if (this.server != null) {
			serverUp = this.server.isRunning();
			builder.withDetail("embeddedServer", serverUp ? "listening on port " + this.server.port() : "stopped")
				.withDetail("connections", this.server.connections());
		}
		if (up == reachable.size() && serverUp) {
			builder.up();
		}
		else if (up > 0 && serverUp) {
			builder.up().withDetail("degraded", "some job servers do not answer");
		}
		else {
			builder.down();
		}
	}

}
