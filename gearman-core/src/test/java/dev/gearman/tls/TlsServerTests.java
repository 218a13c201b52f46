package dev.gearman.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.connection.ConnectionSettings;
import dev.gearman.connection.GearmanConnectionException;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.ServerTls;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import dev.gearman.server.access.AccessRules;
import dev.gearman.server.RawConnection;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.tls.TestPki.Credentials;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import io.netty.handler.ssl.ClientAuth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the server's port with our own client and worker, and what a peer that does not speak TLS, or never
 * finishes its handshake, gets: jobs flow with large payloads across TLS records, the server's certificate and
 * host name are checked by the client, a plaintext peer on the TLS port is closed while others carry on, a stalled
 * handshake holds its connection no longer than the handshake timeout, a plaintext listener can stay open beside
 * the TLS one, and a renewed certificate serves new connections without dropping the old ones.
 */
class TlsServerTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@TempDir
	static Path dir;

	private static TestPki ca;

	private static Credentials serverCertificate;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void issueCertificates() {
		ca = TestPki.create(dir, "tls-server");
		serverCertificate = ca.server("server", "localhost", "127.0.0.1");
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	private <T extends AutoCloseable> T closing(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private GearmanServer server(ClientAuth clientAuth, java.util.function.Consumer<GearmanServerSettings> settings) {
		return closing(TlsTestSupport.startServer(serverCertificate, clientAuth, settings));
	}

	private GearmanWorker echoWorker(int port, ConnectionSettings connection) {
		GearmanWorker worker = closing(new GearmanWorker(
				GearmanWorkerSettings.of(TlsTestSupport.HOST + ":" + port).withConnection(connection)));
		worker.register("echo", (job) -> job.payload());
		worker.start();
		return worker;
	}

	private GearmanClient client(int port, ConnectionSettings connection) {
		return closing(new GearmanClient(GearmanClientSettings.of(TlsTestSupport.HOST + ":" + port)
			.withConnection(connection)
			.withDefaultTimeout(Duration.ofSeconds(10))));
	}

	@Test
	void jobsShouldFlowOverTlsWithPayloadsLargerThanOneRecord() throws Exception {
		GearmanServer server = server(ClientAuth.NONE, (settings) -> {
		});
		ConnectionSettings tls = TlsTestSupport.connection(ca, null, true);
		echoWorker(server.port(), tls);
		GearmanClient client = client(server.port(), tls);
		assertThat(client.submit("echo", "over tls").get(10, TimeUnit.SECONDS)).isEqualTo("over tls");
		// a TLS record holds at most 16 KiB: a 1 MiB payload arrives in many records, in many reads
		byte[] large = new byte[1024 * 1024 + 7];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) (i * 31);
		}
		assertThat(client.submit(JobRequest.of("echo", large)).get(20, TimeUnit.SECONDS))
			.isEqualTo(large);
	}

	@Test
	void clientShouldRefuseAServerItDoesNotTrust() {
		GearmanServer server = server(ClientAuth.NONE, (settings) -> {
		});
		TestPki stranger = TestPki.create(dir, "stranger");
		GearmanClient client = client(server.port(), TlsTestSupport.connection(stranger, null, true));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> client.submit("echo", "x").get(10, TimeUnit.SECONDS))
			.havingRootCause()
			.withMessageContaining("unable to find valid certification path");
	}

	@Test
	void clientShouldVerifyTheHostNameUnlessToldNotTo() throws Exception {
		// a certificate from the trusted authority, but for another host
		Credentials elsewhere = ca.server("elsewhere", "gearman.example.com");
		GearmanServer server = closing(TlsTestSupport.startServer(elsewhere, ClientAuth.NONE, (settings) -> {
		}));
		GearmanClient verifying = client(server.port(), TlsTestSupport.connection(ca, null, true));
		assertThat(catchThrowable(() -> verifying.submit("echo", "x").get(10, TimeUnit.SECONDS)))
			.isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(GearmanConnectionException.class)
			.hasStackTraceContaining("TLS handshake with job server 127.0.0.1:" + server.port() + " failed")
			.hasRootCauseMessage("No subject alternative names matching IP address 127.0.0.1 found");

		ConnectionSettings lenient = TlsTestSupport.connection(ca, null, false);
		echoWorker(server.port(), lenient);
		assertThat(client(server.port(), lenient).submit("echo", "trusted CA, any name").get(10, TimeUnit.SECONDS))
			.isEqualTo("trusted CA, any name");
	}

	@Test
	void plaintextPeerOnTheTlsPortShouldBeClosedWhileOthersCarryOn() throws Exception {
		GearmanServer server = server(ClientAuth.NONE, (settings) -> {
		});
		ConnectionSettings tls = TlsTestSupport.connection(ca, null, true);
		echoWorker(server.port(), tls);
		GearmanClient client = client(server.port(), tls);
		assertThat(client.submit("echo", "before").get(10, TimeUnit.SECONDS)).isEqualTo("before");

		try (RawConnection plaintext = RawConnection.open(TlsTestSupport.HOST, server.port())) {
			plaintext.sendRaw("status\n".getBytes());
			// whatever comes back (at most an alert), it is no status listing, and the connection ends
			assertThat(new String(plaintext.readToEof(WAIT))).doesNotContain("echo");
		}
		try (RawConnection binary = RawConnection.open(TlsTestSupport.HOST, server.port())) {
			binary.send(PacketType.CAN_DO, "echo");
			assertThat(binary.closedByServer(WAIT)).isTrue();
		}
		assertThat(client.submit("echo", "after").get(10, TimeUnit.SECONDS)).isEqualTo("after");
		await().atMost(WAIT).until(() -> server.connections() == 2);
	}

	@Test
	void handshakeThatNeverCompletesShouldNotHoldItsConnectionPastTheTimeout() throws Exception {
		GearmanServer server = server(ClientAuth.REQUIRE, (settings) -> settings.setTls(new ServerTls(
				TlsTestSupport.serverContext(serverCertificate, ClientAuth.REQUIRE), Duration.ofMillis(300))));
		try (RawConnection silent = RawConnection.open(TlsTestSupport.HOST, server.port());
				RawConnection stalled = RawConnection.open(TlsTestSupport.HOST, server.port())) {
			// the first 5 bytes of a ClientHello record announcing 512 bytes that never come
			stalled.sendRaw(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00 });
			await().atMost(WAIT).until(() -> server.connections() == 2);
			long start = System.nanoTime();
			assertThat(silent.closedByServer(WAIT)).isTrue();
			assertThat(stalled.closedByServer(WAIT)).isTrue();
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
		}
		await().atMost(WAIT).until(() -> server.connections() == 0);
	}

	@Test
	void plaintextListenerShouldServeBesideTheTlsPortOnLoopback() throws Exception {
		GearmanServer server = server(ClientAuth.NONE, (settings) -> settings.setPlaintextPort(0));
		assertThat(server.plaintextPort()).isPositive().isNotEqualTo(server.port());
		echoWorker(server.port(), TlsTestSupport.connection(ca, null, true));
		GearmanClient plain = client(server.plaintextPort(), ConnectionSettings.DEFAULTS);
		assertThat(plain.submit("echo", "in clear, locally").get(10, TimeUnit.SECONDS)).isEqualTo("in clear, locally");
		try (RawConnection admin = RawConnection.open(TlsTestSupport.HOST, server.plaintextPort())) {
			assertThat(admin.admin("status", true)).contains("echo\t0\t0\t1");
		}
		server.stop();
		assertThat(RawConnection.accepts(TlsTestSupport.HOST, server.plaintextPort())).isFalse();
	}

	@Test
	void renewedCertificateShouldServeNewConnectionsAndKeepEstablishedOnes() throws Exception {
		ServerTls tls = new ServerTls(TlsTestSupport.serverContext(serverCertificate, ClientAuth.NONE));
		GearmanServer server = server(ClientAuth.NONE, (settings) -> settings.setTls(tls));
		GearmanClient before = client(server.port(), TlsTestSupport.connection(ca, null, true));
		echoWorker(server.port(), TlsTestSupport.connection(ca, null, true));
		assertThat(before.submit("echo", "first").get(10, TimeUnit.SECONDS)).isEqualTo("first");

		TestPki renewedCa = TestPki.create(dir, "renewed");
		tls.update(TlsTestSupport.serverContext(renewedCa.server("renewed", "127.0.0.1"),
				ClientAuth.NONE));

		assertThat(before.submit("echo", "still here").get(10, TimeUnit.SECONDS)).isEqualTo("still here");
		assertThat(client(server.port(), TlsTestSupport.connection(renewedCa, null, true)).submit("echo", "renewed")
			.get(10, TimeUnit.SECONDS)).isEqualTo("renewed");
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> client(server.port(),
				TlsTestSupport.connection(ca, null, true)).submit("echo", "old trust").get(10, TimeUnit.SECONDS));
	}

	@Test
	void startShouldWarnAboutListenersBeyondLoopbackWithoutTlsOrWithOpenAccess() {
		assertThat(startWarnings((settings) -> {
		})).satisfiesExactly(
				(warning) -> assertThat(warning).contains("beyond loopback without TLS"),
				(warning) -> assertThat(warning).contains("beyond loopback with open access"));
		assertThat(startWarnings((settings) -> settings.setTls(new ServerTls(
				TlsTestSupport.serverContext(serverCertificate, ClientAuth.NONE)))))
			.singleElement()
			.asString()
			.contains("with open access");
		assertThat(startWarnings((settings) -> {
			settings.setTls(new ServerTls(
					TlsTestSupport.serverContext(serverCertificate, ClientAuth.NONE)));
			settings.setAccessPolicy(AccessRules.builder().rule("*", (r) -> r.admin(AdminAccess.READ)).build());
			// the plaintext listener stays on loopback: no warning for it
			settings.setPlaintextPort(0);
		})).isEmpty();
	}

	private static List<String> startWarnings(java.util.function.Consumer<GearmanServerSettings> customizer) {
		Logger logger = (Logger) LoggerFactory.getLogger(GearmanServer.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress("0.0.0.0");
		settings.setPort(0);
		customizer.accept(settings);
		GearmanServer server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
		try {
			server.start();
		}
		finally {
			server.stop();
			logger.detachAppender(appender);
		}
		return appender.list.stream()
			.filter((event) -> event.getLevel() == Level.WARN)
			.map(ILoggingEvent::getFormattedMessage)
			.toList();
	}

}
