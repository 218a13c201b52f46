package dev.gearman.spring.boot.autoconfigure.ssl;

import java.time.Duration;
import java.util.function.Function;

import javax.net.ssl.SSLException;

import dev.gearman.connection.ClientTls;
import dev.gearman.server.ServerTls;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * Turns a Spring Boot {@link SslBundle} ({@code spring.ssl.bundle.pem.*} or {@code spring.ssl.bundle.jks.*}) into
 * the TLS of the job server or of its clients and workers, and follows the bundle when Boot reloads it
 * ({@code reload-on-update: true}): connections made from then on use the new certificate, established ones keep
 * theirs.
 */
public final class GearmanSslBundles {

	private static final Logger logger = LoggerFactory.getLogger(GearmanSslBundles.class);

	private GearmanSslBundles() {
	}

	/**
	 * The job server's TLS from a bundle: its keystore holds the server's key and certificate; when client
	 * certificates are asked for, its truststore holds the authorities they must chain to.
	 * @param bundles the application's bundles
	 * @param name the bundle's name
	 * @param clientAuth whether client certificates are asked for or required
	 * @param handshakeTimeout how long a handshake may take
	 * @param property the property that names the bundle, for error messages
	 * @return the TLS, updated when the bundle is
	 */
	public static ServerTls serverTls(SslBundles bundles, String name, ClientAuth clientAuth,
			Duration handshakeTimeout, String property) {
		SslBundle bundle = bundle(bundles, name, property);
		if (bundle.getStores().getKeyStore() == null) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"The bundle has no keystore: the job server needs a key and a certificate to present.");
		}
		if (clientAuth != ClientAuth.NONE && bundle.getStores().getTrustStore() == null) {
			// without a truststore the JDK's default authorities would vouch for client certificates, and anyone
			// who can buy a certificate with the right subject from a public authority would pass the access rules
			throw new InvalidConfigurationPropertyValueException(property, name, "The bundle has no truststore:"
					+ " client certificates must chain to authorities of your choosing, not to every authority the"
					+ " JDK trusts. Add a truststore to the bundle, or set client-auth to none.");
		}
		Function<SslBundle, SslContext> context = (b) -> serverContext(b, clientAuth);
		ServerTls tls = new ServerTls(context.apply(bundle), handshakeTimeout);
		bundles.addBundleUpdateHandler(name,
				(updated) -> reload(name, "job server", () -> tls.update(context.apply(updated))));
		return tls;
	}

	/**
	 * Clients' and workers' TLS from a bundle: its truststore holds the authorities the server's certificate must
	 * chain to (the JDK's defaults without one); a keystore, if present, holds the client certificate to present.
	 * @param bundles the application's bundles
	 * @param name the bundle's name
	 * @param verifyHostname whether the server's certificate must name the host connected to
	 * @param property the property that names the bundle, for error messages
	 * @return the TLS, updated when the bundle is
	 */
	public static ClientTls clientTls(SslBundles bundles, String name, boolean verifyHostname, String property) {
		SslBundle bundle = bundle(bundles, name, property);
		Function<SslBundle, SslContext> context = (b) -> clientContext(b, verifyHostname);
		ClientTls tls = new ClientTls(context.apply(bundle));
		bundles.addBundleUpdateHandler(name, (updated) -> reload(name, "clients and workers",
				() -> tls.update(context.apply(updated))));
		return tls;
	}

	private static SslBundle bundle(SslBundles bundles, String name, String property) {
		try {
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"No SSL bundle of that name: define it under spring.ssl.bundle.pem." + name
							+ " or spring.ssl.bundle.jks." + name + ".");
		}
	}

	private static SslContext serverContext(SslBundle bundle, ClientAuth clientAuth) {
		SslOptions options = bundle.getOptions();
		try {
			return ServerTls.context(bundle.getManagers().getKeyManagerFactory(),
					(clientAuth != ClientAuth.NONE) ? bundle.getManagers().getTrustManagerFactory() : null,
					clientAuth, options.getEnabledProtocols(), options.getCiphers());
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Could not build the job server's TLS from its SSL bundle", ex);
		}
	}

	private static SslContext clientContext(SslBundle bundle, boolean verifyHostname) {
		SslOptions options = bundle.getOptions();
		try {
			return ClientTls.context(
					(bundle.getStores().getKeyStore() != null) ? bundle.getManagers().getKeyManagerFactory() : null,
					bundle.getManagers().getTrustManagerFactory(), verifyHostname, options.getEnabledProtocols(),
					options.getCiphers());
		}
		catch (SSLException ex) {
			throw new IllegalStateException("Could not build the Gearman clients' TLS from their SSL bundle", ex);
		}
	}

	/** A bundle that cannot be used after an update leaves the previous certificate in place. */
	private static void reload(String name, String what, Runnable update) {
		try {
			update.run();
			logger.info("SSL bundle '{}' reloaded for the Gearman {}: new connections use the new certificate", name,
					what);
		}
		catch (RuntimeException ex) {
			logger.error("SSL bundle '{}' changed but cannot be used by the Gearman {}; the previous certificate stays"
					+ " in use", name, what, ex);
		}
	}

}
