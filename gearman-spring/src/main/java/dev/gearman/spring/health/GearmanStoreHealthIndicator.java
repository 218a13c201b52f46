package dev.gearman.spring.health;

import dev.gearman.server.store.JobStore;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the job server's background-job store: UP while it takes writes, DOWN when it reports itself
 * unavailable (a durable store whose database cannot be reached). The in-memory store is always UP, with
 * {@code durable=false}. A store several servers share lists them under {@code instances}: id, name, state (ALIVE,
 * LEFT, EXPIRED), last heartbeat and the stored jobs each held then, this server marked {@code self}.
 */
public class GearmanStoreHealthIndicator extends AbstractHealthIndicator {

	private final JobStore store;

	/**
	 * Creates the indicator.
	 * @param store the store
	 */
	public GearmanStoreHealthIndicator(JobStore store) {
		super("Gearman job store health check failed");
		this.store = store;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("type", this.store.getClass().getSimpleName())
			.withDetail("durable", this.store.isDurable());
		if (this.store.isShared()) {
			builder.withDetail("instances", this.store.instances());
		}
		if (this.store.isAvailable()) {
			builder.up();
		}
		else {
			String failure = this.store.lastFailure();
			builder.down();
			if (failure != null) {
				builder.withDetail("lastFailure", failure);
			}
		}
	}

}
