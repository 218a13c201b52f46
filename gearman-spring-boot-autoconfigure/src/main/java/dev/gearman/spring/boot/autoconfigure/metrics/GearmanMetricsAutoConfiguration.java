package dev.gearman.spring.boot.autoconfigure.metrics;

import dev.gearman.server.GearmanServer;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerProperties;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.spring.metrics.FunctionTags;
import dev.gearman.spring.metrics.GearmanDeadLetterMetrics;
import dev.gearman.spring.metrics.GearmanServerMetrics;
import dev.gearman.spring.metrics.MicrometerAccessListener;
import dev.gearman.spring.metrics.MicrometerEngineListener;
import dev.gearman.spring.metrics.MicrometerJobRecorder;
import dev.gearman.spring.metrics.MicrometerJobStoreListener;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters for the template's calls, the workers' executions and the embedded server, when a
 * {@link MeterRegistry} is present. For the server: gauges of its queues and connections
 * ({@link GearmanServerMetrics}), job counters and timers fed by the engine ({@link MicrometerEngineListener}; retries
 * and dead jobs included), the access policy's refusals ({@link MicrometerAccessListener}), dead letters held
 * ({@link GearmanDeadLetterMetrics}) and store batch meters fed by a durable store ({@link MicrometerJobStoreListener});
 * the {@code function} tag takes at most {@code gearman.server.metrics.max-functions} values.
 * <p>
 * The listeners are beans that the server's bean picks up when it is created, which is after every bean
 * definition is known, so this configuration may come after the server's.
 */
@AutoConfiguration(after = { GearmanAutoConfiguration.class, GearmanServerAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class GearmanMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerJobRecorder gearmanJobRecorder(MeterRegistry registry, ObjectProvider<GearmanTemplate> templates,
			ObjectProvider<GearmanWorkerRegistry> workers) {
		MicrometerJobRecorder recorder = new MicrometerJobRecorder(registry);
		templates.orderedStream().forEach((template) -> template.setRecorder(recorder));
		workers.orderedStream().forEach((worker) -> worker.setRecorder(recorder));
		return recorder;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(GearmanServer.class)
	@EnableConfigurationProperties(GearmanServerProperties.class)
	static class ServerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		FunctionTags gearmanFunctionTags(GearmanServerProperties properties) {
			return new FunctionTags(properties.getMetrics().getMaxFunctions());
		}

		@Bean
		@ConditionalOnMissingBean
		MicrometerEngineListener gearmanEngineMetrics(MeterRegistry registry, FunctionTags tags) {
			return new MicrometerEngineListener(registry, tags);
		}

		@Bean
		@ConditionalOnMissingBean
		MicrometerAccessListener gearmanAccessMetrics(MeterRegistry registry) {
			return new MicrometerAccessListener(registry);
		}

		@Bean
		@ConditionalOnMissingBean
		MicrometerJobStoreListener gearmanStoreMetrics(MeterRegistry registry) {
			return new MicrometerJobStoreListener(registry);
		}

		@Bean
		@ConditionalOnMissingBean
		GearmanServerMetrics gearmanServerMetrics(GearmanServer server, FunctionTags tags,
				GearmanServerProperties properties) {
			return new GearmanServerMetrics(server, tags, properties.getMetrics().getRefreshInterval());
		}

		@Bean
		@ConditionalOnMissingBean
		GearmanDeadLetterMetrics gearmanDeadLetterMetrics(GearmanServer server, FunctionTags tags,
				GearmanServerProperties properties) {
			return new GearmanDeadLetterMetrics(server, tags, properties.getMetrics().getRefreshInterval());
		}

	}

}
