package dev.gearman.server;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import dev.gearman.server.access.AccessPolicy;
import dev.gearman.tls.TlsContexts;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import org.jspecify.annotations.Nullable;

/**
 * TLS on the job server's port: the Netty {@link SslContext} that new connections use and how long their
 * handshake may take. The context can be replaced while the server runs ({@link #update}), e.g. when a renewed
 * certificate is deployed; connections already open keep the context they were accepted with.
 * <p>
 * With client certificates requested ({@link ClientAuth#OPTIONAL} or {@link ClientAuth#REQUIRE}), a connection's
 * identity for the {@link AccessPolicy} is its certificate's subject in RFC 2253 form
 * ({@code CN=billing,O=Example}) once the handshake completed; without one it is
 * {@value AccessPolicy#ANONYMOUS}.
 * <pre>
 * SslContext context = ServerTls.context(keyManagerFactory, trustManagerFactory, ClientAuth.REQUIRE, null, null);
 * settings.setTls(new ServerTls(context));
 * </pre>
 */
public final class ServerTls {

	/** How long a handshake may take by default before the connection is closed. */
	public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	private final Duration handshakeTimeout;

	private volatile SslContext context;

	/**
	 * TLS with the default handshake timeout.
	 * @param context a server context
	 */
	public ServerTls(SslContext context) {
		this(context, DEFAULT_HANDSHAKE_TIMEOUT);
	}

	/**
	 * TLS with a handshake timeout of its own.
	 * @param context a server context
	 * @param handshakeTimeout how long a peer may take to complete its handshake; a peer that opens a connection
	 * and sends nothing, or too little, holds it no longer than this
	 */
	public ServerTls(SslContext context, Duration handshakeTimeout) {
		if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
			throw new IllegalArgumentException("handshakeTimeout: " + handshakeTimeout + " (expected: > 0)");
		}
		this.context = checkServer(context);
		this.handshakeTimeout = handshakeTimeout;
	}

	/**
	 * Builds a server context from JDK key and trust managers, e.g. those of a Spring Boot SSL bundle.
	 * @param keys the server's key and certificate chain
	 * @param trust the authorities client certificates must chain to; {@code null} for the JDK's defaults
	 * @param clientAuth whether client certificates are asked for or required
	 * @param protocols enabled protocols, {@code null} for the JDK's defaults
	 * @param ciphers enabled cipher suites, {@code null} for the JDK's defaults
	 * @return the context
	 * @throws SSLException if the managers cannot make a context
	 */
	public static SslContext context(KeyManagerFactory keys, @Nullable TrustManagerFactory trust, ClientAuth clientAuth,
			String @Nullable [] protocols, String @Nullable [] ciphers) throws SSLException {
		return TlsContexts.build(SslContextBuilder.forServer(keys).clientAuth(clientAuth), trust, protocols, ciphers);
	}

	/**
	 * Replaces the context for connections accepted from now on.
	 * @param context a server context
	 */
	public void update(SslContext context) {
		this.context = checkServer(context);
	}

	/**
	 * The context new connections use.
	 * @return the context
	 */
	public SslContext context() {
		return this.context;
	}

	/**
	 * How long a handshake may take.
	 * @return the timeout
	 */
	public Duration handshakeTimeout() {
		return this.handshakeTimeout;
	}

	/** The first handler of a new connection's pipeline. */
	SslHandler newHandler(ByteBufAllocator allocator) {
		SslHandler handler = this.context.newHandler(allocator);
		handler.setHandshakeTimeoutMillis(this.handshakeTimeout.toMillis());
		return handler;
	}

	/**
	 * The identity of a peer whose handshake completed: the subject of its certificate, or
	 * {@value AccessPolicy#ANONYMOUS} if it sent none.
	 * @param session the completed session
	 * @return the identity
	 */
	static String identity(SSLSession session) {
		try {
			Certificate[] chain = session.getPeerCertificates();
			if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
				String subject = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
				// a certificate with an empty subject names nobody: no rule for a name may apply to it
				return subject.isEmpty() ? AccessPolicy.ANONYMOUS : subject;
			}
		}
		catch (SSLPeerUnverifiedException ex) {
			// no client certificate: anonymous
		}
		return AccessPolicy.ANONYMOUS;
	}

	private static SslContext checkServer(SslContext context) {
		if (!context.isServer()) {
			throw new IllegalArgumentException("context: a client context (expected: a server context, e.g. from"
					+ " SslContextBuilder.forServer)");
		}
		return context;
	}

	/**
	 * Which implementation does the cryptography: Netty uses OpenSSL (BoringSSL) when netty-tcnative is on the class
	 * path, the JDK's otherwise.
	 * @return {@code JDK} or {@code OpenSSL}
	 */
	public String provider() {
		return (this.context instanceof JdkSslContext) ? "JDK" : "OpenSSL";
	}

	@Override
	public String toString() {
		return "TLS (" + provider() + ", handshake timeout " + this.handshakeTimeout + ")";
	}

}
