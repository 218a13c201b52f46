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
import org.springframework.context.annotation.Bean;

/**
 * The {@code gearman} actuator endpoint for the embedded job server, when the actuator is present and the
 * endpoint is exposed ({@code management.endpoints.web.exposure.include=gearman}). Lists at most
 * {@value #MAX_ENTRIES} workers and jobs.
 */
@AutoConfiguration(after = GearmanServerAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(GearmanServer.class)
@ConditionalOnAvailableEndpoint(GearmanEndpoint.class)
public final class GearmanEndpointAutoConfiguration {

	/** The cap on listed workers and jobs. */
	public static final int MAX_ENTRIES = 1000;

	@Bean
	@ConditionalOnMissingBean
	GearmanEndpoint gearmanEndpoint(GearmanServer server) {
		return new GearmanEndpoint(server, MAX_ENTRIES, Duration.ofSeconds(5));
	}

}
