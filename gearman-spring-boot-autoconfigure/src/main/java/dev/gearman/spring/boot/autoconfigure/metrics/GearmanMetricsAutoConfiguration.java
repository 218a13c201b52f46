package dev.gearman.spring.boot.autoconfigure.metrics;

import java.time.Duration;

import dev.gearman.server.GearmanServer;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.spring.metrics.GearmanServerMetrics;
import dev.gearman.spring.metrics.MicrometerJobRecorder;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for the template's calls, the workers' executions and the embedded server's queues, when a
 * {@link MeterRegistry} is present.
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

	@Bean
	@ConditionalOnBean(GearmanServer.class)
	@ConditionalOnMissingBean
	GearmanServerMetrics gearmanServerMetrics(GearmanServer server) {
		return new GearmanServerMetrics(server, Duration.ofSeconds(1));
	}

}
