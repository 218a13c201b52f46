package dev.gearman.spring.boot.autoconfigure.server;

import java.util.HashMap;
import java.util.Map;

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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Runs a Gearman job server in the application when {@code gearman.server.enabled=true}: in memory, on loopback
 * by default. A {@link JobStore} bean, if present, makes background jobs durable.
 * <p>
 * The server binds when its bean is created, before the application's clients and workers are built, so they
 * can be pointed at it; with {@code gearman.server.port=0} the bound port is published as
 * {@code local.gearman.port}. It stops when the context closes, after the workers, letting running jobs finish
 * within {@code gearman.server.shutdown-timeout} so their results reach the clients.
 */
@AutoConfiguration
@ConditionalOnClass(GearmanServer.class)
@ConditionalOnBooleanProperty("gearman.server.enabled")
@EnableConfigurationProperties(GearmanServerProperties.class)
public final class GearmanServerAutoConfiguration {

	/** The property the bound port is published under. */
	public static final String LOCAL_PORT_PROPERTY = "local.gearman.port";

	@Bean(destroyMethod = "stop")
	@ConditionalOnMissingBean
	GearmanServer gearmanServer(GearmanServerProperties properties, ObjectProvider<JobStore> store,
			ApplicationContext context) {
		GearmanServer server = new GearmanServer(properties.toSettings(),
				store.getIfAvailable(() -> MemoryJobStore.INSTANCE));
		server.start();
		publishPort(context, server.port());
		return server;
	}

	@Bean
	@ConditionalOnMissingBean
	GearmanServerLifecycle gearmanServerLifecycle(GearmanServer server, GearmanServerProperties properties) {
		return new GearmanServerLifecycle(server, properties.getShutdownTimeout());
	}

	private static void publishPort(ApplicationContext context, int port) {
		ApplicationContext current = context;
		while (current != null) {
			if (current instanceof ConfigurableApplicationContext configurable) {
				setPortProperty(configurable.getEnvironment(), port);
			}
			current = current.getParent();
		}
	}

	@SuppressWarnings("unchecked")
	private static void setPortProperty(ConfigurableEnvironment environment, int port) {
		MutablePropertySources sources = environment.getPropertySources();
		PropertySource<?> source = sources.get("gearman.ports");
		if (source == null) {
			source = new MapPropertySource("gearman.ports", new HashMap<>());
			sources.addFirst(source);
		}
		((Map<String, Object>) source.getSource()).put(LOCAL_PORT_PROPERTY, port);
	}

}
