package dev.gearman.spring.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.spring.core.GearmanFunctionAnnotationBeanPostProcessor;
import dev.gearman.spring.core.GearmanPayloadConverter;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.worker.GearmanWorkerSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * A job server on a free loopback port, a client, the template and the worker registry, wired by hand as an
 * application without Spring Boot would; the client times out after the {@code clientTimeout} bean, if one is
 * registered, else after 10 s. Tests add their own {@code @GearmanFunction} beans.
 */
@Configuration(proxyBeanMethods = false)
public class LocalGearmanConfiguration {

	@Bean(destroyMethod = "stop")
	GearmanServer gearmanServer() {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress("127.0.0.1");
		settings.setPort(0);
		GearmanServer server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
		server.start();
		return server;
	}

	@Bean(destroyMethod = "close")
	GearmanClient gearmanClient(GearmanServer server, ObjectProvider<Duration> clientTimeout) {
		return new GearmanClient(GearmanClientSettings.of(address(server))
			.withDefaultTimeout(clientTimeout.getIfAvailable(() -> Duration.ofSeconds(10))));
	}

	@Bean
	GearmanPayloadConverter gearmanPayloadConverter() {
		return new GearmanPayloadConverter(JsonMapper.builder().build(), StandardCharsets.UTF_8);
	}

	@Bean
	GearmanTemplate gearmanTemplate(GearmanClient client, GearmanPayloadConverter converter) {
		return new GearmanTemplate(client, converter);
	}

	@Bean
	GearmanWorkerRegistry gearmanWorkerRegistry(GearmanServer server) {
		return new GearmanWorkerRegistry(GearmanWorkerSettings.of(address(server)).withConcurrency(4), null,
				Duration.ofSeconds(5));
	}

	@Bean(name = GearmanFunctionAnnotationBeanPostProcessor.BEAN_NAME)
	static GearmanFunctionAnnotationBeanPostProcessor gearmanFunctionAnnotationBeanPostProcessor() {
		return new GearmanFunctionAnnotationBeanPostProcessor();
	}

	/**
	 * The address clients and workers use.
	 * @param server the server
	 * @return {@code 127.0.0.1:port}
	 */
	public static String address(GearmanServer server) {
		return "127.0.0.1:" + server.port();
	}

}
