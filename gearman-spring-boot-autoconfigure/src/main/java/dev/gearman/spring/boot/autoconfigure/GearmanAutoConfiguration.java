package dev.gearman.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.connection.ClientTls;
import dev.gearman.connection.ConnectionSettings;
import dev.gearman.connection.ServerAddress;
import dev.gearman.server.GearmanServer;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerProperties;
import dev.gearman.spring.boot.autoconfigure.ssl.GearmanSslBundles;
import dev.gearman.spring.core.GearmanFunctionAnnotationBeanPostProcessor;
import dev.gearman.spring.core.GearmanPayloadConverter;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.core.GearmanTemplateCustomizer;
import dev.gearman.spring.core.GearmanWorkerContainerFactory;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.spring.core.JobHandlerDecorator;
import dev.gearman.spring.observation.GearmanClientObservationConvention;
import dev.gearman.spring.observation.GearmanWorkerObservationConvention;
import dev.gearman.spring.service.GearmanServiceProxyFactory;
import dev.gearman.worker.GearmanWorkerSettings;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configures a {@link GearmanClient} with a {@link GearmanTemplate} and a {@link GearmanServiceProxyFactory}
 * for typed clients ({@code @ImportGearmanServices}), and turns {@code @GearmanFunction} bean methods into workers,
 * run by the {@link GearmanWorkerContainerFactory} bean (by default a worker connected to the job servers). Clients
 * and workers connect to {@code gearman.servers}, or to the embedded server when {@code gearman.server.enabled=true}
 * and no servers are set. With {@code gearman.ssl.bundle} they connect with TLS: the servers' certificates are
 * verified against the bundle's truststore, host name included, and the bundle's key, if any, is presented as client
 * certificate. With {@code gearman.client.observation-enabled} or {@code gearman.worker.observation-enabled} they are
 * observed through the context's {@link ObservationRegistry}.
 */
@AutoConfiguration(after = { GearmanServerAutoConfiguration.class, SslAutoConfiguration.class },
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass(GearmanClient.class)
@EnableConfigurationProperties(GearmanProperties.class)
public final class GearmanAutoConfiguration {

	/** Where clients and workers connect when nothing else is configured. */
	static final String DEFAULT_SERVER = "127.0.0.1:4730";

	private static final Logger logger = LoggerFactory.getLogger(GearmanAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	GearmanPayloadConverter gearmanPayloadConverter(GearmanProperties properties) {
		return new GearmanPayloadConverter(null, properties.getCharset());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	GearmanClient gearmanClient(GearmanProperties properties, ObjectProvider<GearmanServer> embedded,
			ObjectProvider<GearmanServerProperties> embeddedProperties, ObjectProvider<SslBundles> sslBundles) {
		List<ServerAddress> servers = servers(properties, embedded, embeddedProperties);
		GearmanProperties.Client client = properties.getClient();
		GearmanClientSettings settings = new GearmanClientSettings(servers, connection(properties, sslBundles),
				client.getTimeout(), client.getId(), 1, client.isFailIfNoWorker());
		return new GearmanClient(settings);
	}

	@Bean
	@ConditionalOnMissingBean
	GearmanTemplate gearmanTemplate(GearmanClient client, GearmanPayloadConverter converter,
			GearmanProperties properties, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<GearmanClientObservationConvention> observationConvention,
			ObjectProvider<GearmanTemplateCustomizer> customizers) {
		GearmanTemplate template = new GearmanTemplate(client, converter);
		if (properties.getClient().isObservationEnabled()) {
			template.setObservationRegistry(observationRegistry.getIfUnique());
			template.setObservationConvention(observationConvention.getIfUnique());
		}
		template.setPropagateTraceContext(properties.getClient().isPropagateTraceContext());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(template));
		return template;
	}

	@Bean
	@ConditionalOnMissingBean
	GearmanServiceProxyFactory gearmanServiceProxyFactory(GearmanTemplate template, Environment environment) {
		return new GearmanServiceProxyFactory(template, environment::resolvePlaceholders);
	}

	/**
	 * Where clients and workers connect: {@code gearman.servers} when set (explicit configuration wins, even over
	 * a running embedded server, which then only serves other applications), else the embedded server, else
	 * {@code 127.0.0.1:4730}.
	 */
	static List<ServerAddress> servers(GearmanProperties properties, ObjectProvider<GearmanServer> embedded,
			ObjectProvider<GearmanServerProperties> embeddedProperties) {
		GearmanServer server = embedded.getIfAvailable();
		if (properties.getServers() != null && !properties.getServers().isEmpty()) {
			List<ServerAddress> servers = ServerAddress.parseAll(properties.getServers());
			if (server != null && servers.stream().noneMatch((address) -> address.port() == server.port())) {
				logger.info("gearman.servers is set to {}: this application's clients and workers use those servers,"
						+ " not the embedded job server on port {} (list it in gearman.servers to use it too)",
						servers, server.port());
			}
			return servers;
		}
		if (server != null) {
			GearmanServerProperties serverProperties = embeddedProperties.getIfAvailable();
			boolean serverTls = serverProperties != null && hasText(serverProperties.getSsl().getBundle());
			if (!serverTls || hasText(properties.getSsl().getBundle())) {
				String address = (serverProperties != null) ? serverProperties.getAddress() : "";
				return List.of(new ServerAddress(embeddedHost(address), server.port()));
			}
			// the embedded server speaks TLS and these clients do not: its plaintext listener, if it has one
			if (server.plaintextPort() > 0) {
				return List.of(new ServerAddress(embeddedHost(serverProperties.getPlaintextAddress()),
						server.plaintextPort()));
			}
			// not an error at startup: an application may run the server without using its own clients (the
			// server app does); those that do learn it from the first call, and from this line
			logger.info("The embedded job server speaks TLS only (gearman.server.ssl.bundle): this application's"
					+ " clients and workers cannot reach it without gearman.ssl.bundle or gearman.server.plaintext-port");
			return List.of(new ServerAddress(embeddedHost(serverProperties.getAddress()), server.port()));
		}
		return List.of(ServerAddress.parse(DEFAULT_SERVER));
	}

	private static boolean hasText(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/** Loopback unless the embedded server listens on one specific address only. */
	private static String embeddedHost(String configured) {
		String address = configured.trim();
		boolean wildcard = address.isEmpty() || address.equals("0.0.0.0") || address.equals("::")
				|| address.equals("[::]") || address.equals("*");
		return wildcard ? "127.0.0.1" : address;
	}

	static ConnectionSettings connection(GearmanProperties properties, ObjectProvider<SslBundles> sslBundles) {
		ConnectionSettings defaults = ConnectionSettings.DEFAULTS;
		return new ConnectionSettings(properties.getConnectTimeout(), defaults.reconnectInitial(),
				defaults.reconnectMax(), defaults.maxPacketSize(), clientTls(properties.getSsl(), sslBundles));
	}

	private static @Nullable ClientTls clientTls(GearmanProperties.Ssl ssl, ObjectProvider<SslBundles> sslBundles) {
		String bundle = ssl.getBundle();
		if (!hasText(bundle)) {
			return null;
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException("gearman.ssl.bundle", bundle,
					"No SslBundles bean: Spring Boot's SslAutoConfiguration is not active.");
		}
		return GearmanSslBundles.clientTls(bundles, bundle.trim(), ssl.isVerifyHostname(), "gearman.ssl.bundle");
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JsonMapper.class)
	static class JsonConverterConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GearmanPayloadConverter gearmanPayloadConverter(GearmanProperties properties,
				ObjectProvider<JsonMapper> jsonMapper) {
			return new GearmanPayloadConverter(jsonMapper.getIfAvailable(JsonMapper::new), properties.getCharset());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "gearman.worker.enabled", matchIfMissing = true)
	static class WorkerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		GearmanWorkerContainerFactory gearmanWorkerContainerFactory(GearmanProperties properties,
				ObjectProvider<GearmanServer> embedded, ObjectProvider<GearmanServerProperties> embeddedProperties,
				ObjectProvider<SslBundles> sslBundles, Environment environment) {
			GearmanProperties.Worker worker = properties.getWorker();
			if (worker.getConcurrency() < 1) {
				throw new InvalidConfigurationPropertyValueException("gearman.worker.concurrency",
						worker.getConcurrency(), "At least 1 job must be able to run.");
			}
			GearmanWorkerSettings settings = new GearmanWorkerSettings(
					servers(properties, embedded, embeddedProperties),
					connection(properties, sslBundles), worker.getId(), worker.getConcurrency(),
					ConnectionSettings.DEFAULTS.maxPacketSize() - 1024);
			Executor executor = Threading.VIRTUAL.isActive(environment)
					? new VirtualThreadTaskExecutor("gearman-worker-") : null;
			return GearmanWorkerContainerFactory.forServers(settings, executor);
		}

		@Bean
		@ConditionalOnMissingBean
		GearmanWorkerRegistry gearmanWorkerRegistry(GearmanProperties properties,
				GearmanWorkerContainerFactory containerFactory, ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<GearmanWorkerObservationConvention> observationConvention,
				ObjectProvider<JobHandlerDecorator> decorators) {
			Duration shutdownTimeout = properties.getWorker().getShutdownTimeout();
			GearmanWorkerRegistry registry = new GearmanWorkerRegistry(containerFactory, shutdownTimeout);
			registry.setHandlerDecorators(decorators.orderedStream().toList());
			if (properties.getWorker().isObservationEnabled()) {
				registry.setObservationRegistry(observationRegistry.getIfUnique());
				registry.setObservationConvention(observationConvention.getIfUnique());
			}
			return registry;
		}

		@Bean(name = GearmanFunctionAnnotationBeanPostProcessor.BEAN_NAME)
		@ConditionalOnMissingBean(name = GearmanFunctionAnnotationBeanPostProcessor.BEAN_NAME)
		static GearmanFunctionAnnotationBeanPostProcessor gearmanFunctionAnnotationBeanPostProcessor() {
			return new GearmanFunctionAnnotationBeanPostProcessor();
		}

	}

}
