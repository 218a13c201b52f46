package dev.gearman.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import dev.gearman.connection.ClientTls;
import dev.gearman.connection.ConnectionSettings;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.ServerTls;
import dev.gearman.server.RawConnection;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.tls.TestPki.Credentials;
import io.netty.handler.ssl.ClientAuth;
import org.jspecify.annotations.Nullable;

/**
 * Servers, clients and raw peers with TLS for the tests: a server on a free loopback port with a certificate for
 * {@code localhost} and {@code 127.0.0.1}, our client's connection settings, and blocking TLS sockets that speak
 * the protocol by hand.
 */
public final class TlsTestSupport {

	public static final String HOST = "127.0.0.1";

	private TlsTestSupport() {
	}

	/**
	 * Starts a server whose port speaks TLS only.
	 * @param server its certificate
	 * @param clientAuth whether it asks for client certificates; they must chain to the server's own authority
	 * @param customizer more settings
	 * @return the running server
	 */
	public static GearmanServer startServer(Credentials server, ClientAuth clientAuth,
			Consumer<GearmanServerSettings> customizer) {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress(HOST);
		settings.setPort(0);
		settings.setTls(new ServerTls(serverContext(server, clientAuth)));
		customizer.accept(settings);
		GearmanServer gearman = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
		gearman.start();
		return gearman;
	}

	/** A server context presenting a certificate and trusting client certificates of the same authority. */
	public static io.netty.handler.ssl.SslContext serverContext(Credentials server, ClientAuth clientAuth) {
		try {
			return ServerTls.context(server.keyManagers(), server.issuer().trustManagers(), clientAuth, null, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Our client's and worker's connection settings with TLS and short reconnects.
	 * @param trusted the authority the server's certificate must chain to
	 * @param client the client certificate to present, or {@code null}
	 * @param verifyHostname whether the server's certificate must name the host
	 * @return the settings
	 */
	public static ConnectionSettings connection(TestPki trusted, @Nullable Credentials client,
			boolean verifyHostname) {
		try {
			ClientTls tls = new ClientTls(ClientTls.context((client != null) ? client.keyManagers() : null,
					trusted.trustManagers(), verifyHostname, null, null));
			return new ConnectionSettings(Duration.ofSeconds(5), Duration.ofMillis(50), Duration.ofMillis(500),
					ConnectionSettings.DEFAULTS.maxPacketSize(), tls);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A raw peer over TLS, after its handshake. With TLS 1.3 a server that refuses the client's certificate says so
	 * only after the client's side of the handshake completed: the refusal arrives as an alert on the first read.
	 * @param port the server's TLS port
	 * @param trusted the authority the server's certificate must chain to
	 * @param client the client certificate to present, or {@code null}
	 * @return the connection
	 */
	public static RawConnection raw(int port, TestPki trusted, @Nullable Credentials client) {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init((client != null) ? client.keyManagers().getKeyManagers() : null,
					trusted.trustManagers().getTrustManagers(), null);
			SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			socket.setSSLParameters(parameters);
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(HOST, port), 5_000);
			socket.setSoTimeout(10_000);
			socket.startHandshake();
			return RawConnection.over(socket);
		}
		catch (IOException | java.security.GeneralSecurityException ex) {
			throw new IllegalStateException("TLS connection to " + HOST + ":" + port + " failed", ex);
		}
	}

}
