package dev.gearman.spring.boot.autoconfigure.server;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.MemoryJobStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Runs a Gearman job server in the application when {@code gearman.server.enabled=true}: in memory, on
 * loopback by default. A {@link JobStore} bean, if present, makes background jobs durable.
 */
@AutoConfiguration
@ConditionalOnClass(GearmanServer.class)
@ConditionalOnBooleanProperty("gearman.server.enabled")
@EnableConfigurationProperties(GearmanServerProperties.class)
public final class GearmanServerAutoConfiguration {

	@Bean(destroyMethod = "stop")
	@ConditionalOnMissingBean
	GearmanServer gearmanServer(GearmanServerProperties properties, ObjectProvider<JobStore> store) {
		return new GearmanServer(properties.toSettings(), store.getIfAvailable(() -> MemoryJobStore.INSTANCE));
	}

	@Bean
	@ConditionalOnMissingBean
	GearmanServerLifecycle gearmanServerLifecycle(GearmanServer server, ApplicationContext context) {
		return new GearmanServerLifecycle(server, context);
	}

}
