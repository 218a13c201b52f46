package dev.gearman.spring.boot.autoconfigure.server;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.ServerTls;
import dev.gearman.server.access.AccessPolicy;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import dev.gearman.server.access.AccessRules;
import dev.gearman.server.engine.EngineListener;
import dev.gearman.server.store.JobStoreListener;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerProperties.Rule;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerProperties.Ssl;
import dev.gearman.spring.boot.autoconfigure.ssl.GearmanSslBundles;
import io.netty.handler.ssl.ClientAuth;
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
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Runs a Gearman job server in the application when {@code gearman.server.enabled=true}: in memory, on loopback
 * by default. A {@link JobStore} bean, if present, makes background jobs durable; with
 * {@code gearman.server.store.type=jdbc} and none (the JDBC store's module or Spring's JDBC support missing) the
 * application fails to start rather than lose jobs silently.
 * <p>
 * The server binds when its bean is created, before the application's clients and workers are built, so they
 * can be pointed at it; with {@code gearman.server.port=0} the bound port is published as
 * {@code local.gearman.port}. It drains when the context closes, before the application's workers stop (see
 * {@link GearmanServerLifecycle}). {@link EngineListener} and {@link JobStoreListener} beans receive the job and
 * store events, e.g. for metrics. Failed jobs follow {@code gearman.server.retry.*} (retries, dead letters kept as
 * {@code gearman.server.dead-letters.*} says) and, with {@code gearman.server.history.enabled}, leave a history.
 * <p>
 * With {@code gearman.server.ssl.bundle} the port speaks TLS with the certificate of that Spring Boot SSL bundle,
 * reloaded when the bundle is; {@code gearman.server.ssl.client-auth} asks for client certificates, whose subjects
 * are the identities {@code gearman.server.access.rules} grant rights to. {@code gearman.server.plaintext-port}
 * opens a second listener without TLS, on loopback by default (published as {@code local.gearman.plaintext-port}).
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnClass(GearmanServer.class)
@ConditionalOnBooleanProperty("gearman.server.enabled")
@EnableConfigurationProperties({ GearmanServerProperties.class, GearmanRetryProperties.class,
		GearmanDeadLetterProperties.class, GearmanHistoryProperties.class })
public final class GearmanServerAutoConfiguration {

	/** The property the bound port is published under. */
	public static final String LOCAL_PORT_PROPERTY = "local.gearman.port";

	private static final String STORE_TYPE_PROPERTY = "gearman.server.store.type";

	/** The property the bound plaintext port is published under, when there is one beside the TLS port. */
	public static final String LOCAL_PLAINTEXT_PORT_PROPERTY = "local.gearman.plaintext-port";

	private static final Logger logger = LoggerFactory.getLogger(GearmanServerAutoConfiguration.class);

	@Bean(destroyMethod = "stop")
	@ConditionalOnMissingBean
	GearmanServer gearmanServer(GearmanServerProperties properties, GearmanRetryProperties retry,
			GearmanDeadLetterProperties deadLetters, GearmanHistoryProperties history, ObjectProvider<JobStore> store,
			ObjectProvider<EngineListener> listeners, ObjectProvider<JobStoreListener> storeListeners,
			ObjectProvider<SslBundles> sslBundles, ApplicationContext context) {
		GearmanServerSettings settings = properties.toSettings();
		settings.setTls(serverTls(properties.getSsl(), sslBundles));
		warnIfRulesCannotApply(properties);
		JobStore jobStore = store.getIfAvailable(() -> nonDurableStore(context.getEnvironment()));
		List<JobStoreListener> forStore = storeListeners.orderedStream().toList();
		if (!forStore.isEmpty()) {
			jobStore.setListener((forStore.size() == 1) ? forStore.get(0) : new CompositeJobStoreListener(forStore));
		}
		List<EngineListener> forEngine = listeners.orderedStream().toList();
		EngineListener listener = forEngine.isEmpty() ? EngineListener.NONE
				: (forEngine.size() == 1) ? forEngine.get(0) : new CompositeEngineListener(forEngine);
		settings.setRetryRules(retry.toRules(settings.getRetryLimit()));
		settings.setDeadLetters(deadLetters.toSettings());
		settings.setHistory(history.toSettings());
		GearmanServer server = new GearmanServer(settings, jobStore, listener);
		server.start();
		publishPort(context, LOCAL_PORT_PROPERTY, server.port());
		if (server.plaintextPort() > 0) {
			publishPort(context, LOCAL_PLAINTEXT_PORT_PROPERTY, server.plaintextPort());
		}
		return server;
	}

	private static @Nullable ServerTls serverTls(Ssl ssl, ObjectProvider<SslBundles> sslBundles) {
		String bundle = ssl.getBundle();
		if (bundle == null || bundle.isBlank()) {
			return null;
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException("gearman.server.ssl.bundle", bundle,
					"No SslBundles bean: Spring Boot's SslAutoConfiguration is not active.");
		}
		ClientAuth clientAuth = switch (ssl.getClientAuth()) {
			case NONE -> ClientAuth.NONE;
			case WANT -> ClientAuth.OPTIONAL;
			case NEED -> ClientAuth.REQUIRE;
		};
		return GearmanSslBundles.serverTls(bundles, bundle.trim(), clientAuth, ssl.getHandshakeTimeout(),
				"gearman.server.ssl.bundle");
	}

	/**
	 * Rules for certificate subjects can only apply when clients present certificates; otherwise every connection
	 * is anonymous, and an operator who wrote such rules believes in protection that is not there.
	 */
	private static void warnIfRulesCannotApply(GearmanServerProperties properties) {
		Ssl ssl = properties.getSsl();
		if (ssl.getBundle() != null && ssl.getClientAuth() != Ssl.ClientAuth.NONE) {
			return;
		}
		List<String> unmatchable = properties.getAccess()
			.getRules()
			.stream()
			.map(Rule::getIdentity)
			.filter((identity) -> identity != null && !matchesAnonymous(identity))
			.toList();
		if (!unmatchable.isEmpty()) {
			logger.warn("gearman.server.access.rules name certificate identities {}, but clients present no"
					+ " certificates (gearman.server.ssl.bundle and client-auth want or need): every connection is"
					+ " '{}', so those rules never apply", unmatchable, AccessPolicy.ANONYMOUS);
		}
	}

	private static boolean matchesAnonymous(String identity) {
		return AccessRules.builder()
			.rule(identity.trim(), (grants) -> grants.admin(AdminAccess.READ))
			.build()
			.mayAdmin(AccessPolicy.ANONYMOUS, AdminAccess.READ);
	}

	@Bean
	@ConditionalOnMissingBean
	GearmanServerLifecycle gearmanServerLifecycle(GearmanServer server, ApplicationEventPublisher publisher,
			ObjectProvider<GearmanWorkerRegistry> workers) {
		return new GearmanServerLifecycle(server, publisher, workers);
	}

	/** The in-memory store, unless the application asked for a durable one that nothing could make. */
	private static JobStore nonDurableStore(Environment environment) {
		String type = environment.getProperty(STORE_TYPE_PROPERTY, "memory").trim();
		if (type.equalsIgnoreCase("jdbc")) {
			throw new InvalidConfigurationPropertyValueException(STORE_TYPE_PROPERTY, type,
					"No JobStore bean exists: the JDBC store needs dev.gearman:gearman-jdbc-store and "
							+ "spring-boot-starter-jdbc on the classpath.");
		}
		return NonDurableJobStore.INSTANCE;
	}

	private static void publishPort(ApplicationContext context, String property, int port) {
		ApplicationContext current = context;
		while (current != null) {
			if (current instanceof ConfigurableApplicationContext configurable) {
				setPortProperty(configurable.getEnvironment(), property, port);
			}
			current = current.getParent();
		}
	}

	@SuppressWarnings("unchecked")
	private static void setPortProperty(ConfigurableEnvironment environment, String property, int port) {
		MutablePropertySources sources = environment.getPropertySources();
		PropertySource<?> source = sources.get("gearman.ports");
		if (source == null) {
			source = new MapPropertySource("gearman.ports", new HashMap<>());
			sources.addFirst(source);
		}
		((Map<String, Object>) source.getSource()).put(property, port);
	}

}
