package dev.gearman.spring.health;

import dev.gearman.server.GearmanServer;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the in-process job server's listener: UP while it serves, OUT_OF_SERVICE while it replays stored jobs
 * or drains for shutdown (so that a readiness group that includes it sends no traffic), DOWN otherwise. Reads only
 * volatile state, never the engine.
 */
public class GearmanServerHealthIndicator extends AbstractHealthIndicator {

	private final GearmanServer server;

	/**
	 * Creates the indicator.
	 * @param server the server
	 */
	public GearmanServerHealthIndicator(GearmanServer server) {
		super("Gearman job server health check failed");
		this.server = server;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		GearmanServer.State state = this.server.state();
		builder.withDetail("state", state.name());
		if (this.server.port() > 0) {
			builder.withDetail("port", this.server.port());
		}
		builder.withDetail("connections", this.server.connections());
		switch (state) {
			case RUNNING -> builder.up();
			case REPLAYING, DRAINING -> builder.outOfService();
			default -> builder.down();
		}
	}

}
