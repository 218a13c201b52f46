package dev.gearman.spring.boot.autoconfigure.actuate;

import java.time.Duration;

import dev.gearman.server.GearmanServer;
import dev.gearman.spring.actuate.GearmanEndpoint;
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
 * The {@code gearman} actuator endpoint for the embedded job server, when the actuator is present and the
 * endpoint is exposed ({@code management.endpoints.web.exposure.include=gearman}). Lists at most
 * {@value #MAX_ENTRIES} workers and jobs. Unique ids and client ids are shown only to authorized callers by default
 * ({@code management.endpoint.gearman.show-values}, {@code management.endpoint.gearman.roles}).
 */
@AutoConfiguration(after = GearmanServerAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(GearmanServer.class)
@ConditionalOnAvailableEndpoint(GearmanEndpoint.class)
@EnableConfigurationProperties(GearmanEndpointProperties.class)
public final class GearmanEndpointAutoConfiguration {

	/** The cap on listed workers and jobs. */
	public static final int MAX_ENTRIES = 1000;

	@Bean
	@ConditionalOnMissingBean
	GearmanEndpoint gearmanEndpoint(GearmanServer server, GearmanEndpointProperties properties) {
		return new GearmanEndpoint(server, MAX_ENTRIES, Duration.ofSeconds(5), properties.getShowValues(),
				properties.getRoles());
	}

}
