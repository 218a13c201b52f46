package dev.gearman.spring.boot.autoconfigure.health;

import dev.gearman.server.GearmanServer;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.health.GearmanServerHealthIndicator;
import dev.gearman.spring.health.GearmanStoreHealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Health components of the embedded job server: {@code gearmanServer} (the listener; OUT_OF_SERVICE while it
 * replays or drains, so it belongs in the readiness group) and {@code gearmanStore} (the background-job store).
 * Each can be switched off with {@code management.health.gearman-server.enabled} and
 * {@code management.health.gearman-store.enabled}.
 */
@AutoConfiguration(after = GearmanServerAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(GearmanServer.class)
public final class GearmanServerHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gearmanServerHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("gearman-server")
	GearmanServerHealthIndicator gearmanServerHealthIndicator(GearmanServer server) {
		return new GearmanServerHealthIndicator(server);
	}

	@Bean
	@ConditionalOnMissingBean(name = "gearmanStoreHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("gearman-store")
	GearmanStoreHealthIndicator gearmanStoreHealthIndicator(GearmanServer server) {
		return new GearmanStoreHealthIndicator(server.store());
	}

}
