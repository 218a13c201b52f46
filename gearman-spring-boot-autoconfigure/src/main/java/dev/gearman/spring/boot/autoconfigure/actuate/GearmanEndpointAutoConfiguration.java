package dev.gearman.spring.boot.autoconfigure.actuate;

import java.time.Duration;

import dev.gearman.server.GearmanServer;
import dev.gearman.spring.actuate.DeadLettersEndpoint;
import dev.gearman.spring.actuate.GearmanEndpoint;
import dev.gearman.spring.actuate.JobHistoryEndpoint;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The actuator endpoints of the embedded job server, when the actuator is present and an endpoint is exposed
 * ({@code management.endpoints.web.exposure.include=gearman,deadletters,jobhistory}): {@code gearman} (functions,
 * workers and jobs; at most {@value #MAX_ENTRIES} workers and jobs listed; unique ids and client ids shown only to
 * authorized callers by default: {@code management.endpoint.gearman.show-values}, {@code .roles}),
 * {@code deadletters} and {@code jobhistory}.
 */
@AutoConfiguration(after = GearmanServerAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(GearmanServer.class)
@EnableConfigurationProperties(GearmanEndpointProperties.class)
public final class GearmanEndpointAutoConfiguration {

	/** The cap on listed workers and jobs. */
	public static final int MAX_ENTRIES = 1000;

	/** How long the dead-letter and history endpoints wait for the store. */
	static final Duration STORE_TIMEOUT = Duration.ofSeconds(30);

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(GearmanEndpoint.class)
	GearmanEndpoint gearmanEndpoint(GearmanServer server, GearmanEndpointProperties properties) {
		return new GearmanEndpoint(server, MAX_ENTRIES, Duration.ofSeconds(5), properties.getShowValues(),
				properties.getRoles());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(DeadLettersEndpoint.class)
	DeadLettersEndpoint gearmanDeadLettersEndpoint(GearmanServer server) {
		return new DeadLettersEndpoint(server, STORE_TIMEOUT, Duration.ofMinutes(10));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(JobHistoryEndpoint.class)
	JobHistoryEndpoint gearmanJobHistoryEndpoint(GearmanServer server) {
		return new JobHistoryEndpoint(server, STORE_TIMEOUT);
	}

}
