package dev.gearman.tls;

import java.util.Arrays;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.jspecify.annotations.Nullable;

/**
 * Builds the Netty contexts of {@link dev.gearman.server.ServerTls} and {@link dev.gearman.connection.ClientTls}
 * alike, and tells TLS failures and their reasons.
 */
public final class TlsContexts {

	private TlsContexts() {
	}

	/**
	 * Finishes a context: trust, protocols and cipher suites where given, the JDK's defaults otherwise.
	 * @param builder a server or client builder with its keys and verification set
	 * @param trust the authorities the peer's certificate must chain to, {@code null} for the JDK's defaults
	 * @param protocols enabled protocols, {@code null} or empty for the defaults
	 * @param ciphers enabled cipher suites, {@code null} or empty for the defaults
	 * @return the context
	 * @throws SSLException if the managers cannot make a context
	 */
	public static SslContext build(SslContextBuilder builder, @Nullable TrustManagerFactory trust,
			String @Nullable [] protocols, String @Nullable [] ciphers) throws SSLException {
		if (trust != null) {
			builder.trustManager(trust);
		}
		if (protocols != null && protocols.length > 0) {
			builder.protocols(protocols);
		}
		if (ciphers != null && ciphers.length > 0) {
			builder.ciphers(Arrays.asList(ciphers));
		}
		return builder.build();
	}

	/**
	 * Whether a failure a pipeline reported is TLS's, as {@link io.netty.handler.ssl.SslHandler} reports it: an
	 * {@link SSLException}, or one wrapped by the decoder it is.
	 * @param failure the failure
	 * @return {@code true} for a TLS failure
	 */
	public static boolean isTlsFailure(Throwable failure) {
		return failure instanceof SSLException
				|| (failure instanceof DecoderException && failure.getCause() instanceof SSLException);
	}

	/**
	 * Why a handshake failed, in one line: the innermost message, since the JDK wraps the reason a certificate was
	 * refused ("NotAfter: ...", "unable to find valid certification path ...") in several layers.
	 * @param failure the failure
	 * @return the reason
	 */
	public static String reason(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return (message != null) ? message : root.getClass().getSimpleName();
	}

}
