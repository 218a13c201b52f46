package dev.gearman.connection;

import java.time.Duration;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import dev.gearman.tls.TlsContexts;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import org.jspecify.annotations.Nullable;

/**
 * TLS from a client or worker to its job servers: the Netty {@link SslContext} new connections use. Build the
 * context with {@link #context}, which verifies the server's certificate and, as HTTPS does, that it was issued for
 * the host name or IP address the connection was made to; a client certificate is sent when key managers are
 * given. The context can be replaced while connections run ({@link #update}), e.g. when a renewed client
 * certificate is deployed; established connections keep theirs.
 * <pre>
 * ConnectionSettings connection = ConnectionSettings.DEFAULTS
 *     .withTls(new ClientTls(ClientTls.context(keyManagerFactory, trustManagerFactory, true, null, null)));
 * </pre>
 */
public final class ClientTls {

	private volatile SslContext context;

	/**
	 * TLS with a context.
	 * @param context a client context
	 */
	public ClientTls(SslContext context) {
		this.context = checkClient(context);
	}

	/**
	 * Builds a client context from JDK key and trust managers, e.g. those of a Spring Boot SSL bundle.
	 * @param keys the client certificate and key to present, {@code null} to present none
	 * @param trust the authorities the server's certificate must chain to; {@code null} for the JDK's defaults
	 * @param verifyHostname whether the server's certificate must name the host connected to (HTTPS-style endpoint
	 * identification); turn it off only where the name cannot match, e.g. a certificate without the IP address
	 * servers are reached by
	 * @param protocols enabled protocols, {@code null} for the JDK's defaults
	 * @param ciphers enabled cipher suites, {@code null} for the JDK's defaults
	 * @return the context
	 * @throws SSLException if the managers cannot make a context
	 */
	public static SslContext context(@Nullable KeyManagerFactory keys, @Nullable TrustManagerFactory trust,
			boolean verifyHostname, String @Nullable [] protocols, String @Nullable [] ciphers) throws SSLException {
		// an empty algorithm turns the check off; "HTTPS" is also Netty's default for clients, said here explicitly
		SslContextBuilder builder = SslContextBuilder.forClient()
			.endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : "");
		if (keys != null) {
			builder.keyManager(keys);
		}
		return TlsContexts.build(builder, trust, protocols, ciphers);
	}

	/**
	 * Replaces the context for connections made from now on.
	 * @param context a client context
	 */
	public void update(SslContext context) {
		this.context = checkClient(context);
	}

	/**
	 * The context new connections use.
	 * @return the context
	 */
	public SslContext context() {
		return this.context;
	}

	/**
	 * The first handler of a new connection: it names the server for SNI and for host name verification.
	 */
	SslHandler newHandler(ByteBufAllocator allocator, ServerAddress address, Duration handshakeTimeout) {
		SslHandler handler = this.context.newHandler(allocator, address.host(), address.port());
		handler.setHandshakeTimeoutMillis(Math.max(1, handshakeTimeout.toMillis()));
		return handler;
	}

	private static SslContext checkClient(SslContext context) {
		if (!context.isClient()) {
			throw new IllegalArgumentException("context: a server context (expected: a client context, e.g. from"
					+ " ClientTls.context or SslContextBuilder.forClient)");
		}
		return context;
	}

	@Override
	public String toString() {
		return "TLS";
	}

}
