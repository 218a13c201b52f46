package dev.gearman.spring.boot.autoconfigure.health;

import java.time.Duration;

import dev.gearman.client.GearmanClient;
import dev.gearman.server.GearmanServer;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.spring.health.GearmanHealthIndicator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code gearman} health indicator, when Spring Boot's health support is on the classpath.
 */
@AutoConfiguration(after = GearmanAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(GearmanClient.class)
@ConditionalOnEnabledHealthIndicator("gearman")
public final class GearmanHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "gearmanHealthIndicator")
	GearmanHealthIndicator gearmanHealthIndicator(GearmanClient client, ObjectProvider<GearmanWorkerRegistry> workers,
			ObjectProvider<GearmanServer> server) {
		return new GearmanHealthIndicator(client, workers.getIfAvailable(), server.getIfAvailable(),
				Duration.ofSeconds(2));
	}

}
