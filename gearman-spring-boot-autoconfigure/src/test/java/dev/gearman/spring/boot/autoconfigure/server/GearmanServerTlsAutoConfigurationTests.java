package dev.gearman.spring.boot.autoconfigure.server;

import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.GearmanServerErrorException;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.access.AccessPolicy;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import dev.gearman.server.RawConnection;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.tls.TestPki;
import dev.gearman.tls.TestPki.Credentials;
import dev.gearman.tls.TlsTestSupport;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * TLS, identities and access rules of the embedded server from properties: a Spring Boot SSL bundle puts TLS on the
 * port and is followed when its files change, client certificates are asked for and must chain to the bundle's
 * truststore, {@code gearman.server.access.rules} bind to the access list, a plaintext listener is published beside
 * the TLS port, and the application's own clients and workers connect with {@code gearman.ssl.bundle}.
 */
class GearmanServerTlsAutoConfigurationTests {

	@TempDir
	static Path dir;

	private static TestPki ca;

	private static Credentials serverCertificate;

	private static Credentials appCertificate;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, GearmanServerAutoConfiguration.class,
				GearmanAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=0s", "gearman.worker.enabled=false");

	@BeforeAll
	static void issueCertificates() {
		ca = TestPki.create(dir, "boot");
		serverCertificate = ca.server("server", "localhost", "127.0.0.1");
		appCertificate = ca.client("app", "CN=app,O=Example");
	}

	/** A PEM bundle: a key and certificate, and the authority as truststore. */
	private static String[] bundle(String name, Credentials keys, boolean truststore) {
		String prefix = "spring.ssl.bundle.pem." + name;
		List<String> properties = new java.util.ArrayList<>(List.of(
				prefix + ".keystore.certificate=file:" + keys.certificateFile(),
				prefix + ".keystore.private-key=file:" + keys.keyFile()));
		if (truststore) {
			properties.add(prefix + ".truststore.certificate=file:" + ca.caFile());
		}
		return properties.toArray(new String[0]);
	}

	private static String trustOnly(String name) {
		return "spring.ssl.bundle.pem." + name + ".truststore.certificate=file:" + ca.caFile();
	}

	@Test
	void sslBundleShouldPutTlsOnThePortAndTheApplicationsClientsShouldUseTheirs() {
		this.runner.withPropertyValues(bundle("gearman", serverCertificate, false))
			.withPropertyValues(trustOnly("app"), "gearman.server.ssl.bundle=gearman", "gearman.ssl.bundle=app")
			.run((context) -> {
				GearmanServer server = context.getBean(GearmanServer.class);
				try (GearmanWorker worker = echoWorker(server.port(), null)) {
					assertThat(context.getBean(GearmanTemplate.class).call("echo", "through tls"))
						.isEqualTo("through tls");
				}
				try (RawConnection plaintext = RawConnection.open(TlsTestSupport.HOST, server.port())) {
					plaintext.sendData(PacketType.ECHO_REQ, "in clear");
					assertThat(plaintext.closedByServer(Duration.ofSeconds(10))).isTrue();
				}
			});
	}

	@Test
	void clientCertificateSubjectShouldBeTheIdentityTheRulesSee() {
		this.runner.withPropertyValues(bundle("gearman", serverCertificate, true))
			.withPropertyValues(bundle("app", appCertificate, true))
			.withPropertyValues("gearman.server.ssl.bundle=gearman", "gearman.server.ssl.client-auth=need",
					"gearman.ssl.bundle=app", "gearman.server.access.rules[0].identity=CN=app,*",
					"gearman.server.access.rules[0].submit=echo", "gearman.server.access.rules[1].identity=CN=worker,*",
					"gearman.server.access.rules[1].work=echo,other")
			.run((context) -> {
				GearmanServer server = context.getBean(GearmanServer.class);
				GearmanTemplate template = context.getBean(GearmanTemplate.class);
				try (GearmanWorker worker = echoWorker(server.port(), ca.client("worker", "CN=worker,O=Example"))) {
					assertThat(template.call("echo", "allowed")).isEqualTo("allowed");
					assertThat(server.engine().report(10).get(5, TimeUnit.SECONDS).workers())
						.extracting((w) -> w.identity())
						.containsExactly("CN=worker,O=Example");
					assertThatExceptionOfType(GearmanServerErrorException.class)
						.isThrownBy(() -> template.call("other", "x"))
						.withMessageContaining("PERMISSION_DENIED")
						.withMessageContaining("Identity 'CN=app,O=Example' may not submit jobs of 'other'");
				}
			});
	}

	@Test
	void clientCertificatesShouldNeedATruststoreOfTheirOwn() {
		this.runner.withPropertyValues(bundle("gearman", serverCertificate, false))
			.withPropertyValues("gearman.server.ssl.bundle=gearman", "gearman.server.ssl.client-auth=want")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("gearman.server.ssl.bundle")
				.hasMessageContaining("no truststore"));
	}

	@Test
	void unknownBundleShouldFailNamingTheProperty() {
		this.runner.withPropertyValues("gearman.server.ssl.bundle=missing")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("gearman.server.ssl.bundle")
				.hasMessageContaining("spring.ssl.bundle.pem.missing"));
	}

	@Test
	void accessRulesShouldBindFromProperties() {
		this.runner
			.withPropertyValues("gearman.server.access.rules[0].identity=CN=billing,*",
					"gearman.server.access.rules[0].submit=invoice.*,report.*",
					"gearman.server.access.rules[1].identity=CN=ops,O=Example",
					"gearman.server.access.rules[1].admin=write", "gearman.server.access.rules[2].identity=anonymous",
					"gearman.server.access.rules[2].admin=read", "gearman.server.access.rules[2].work=thumbnail")
			.run((context) -> {
				AccessPolicy policy = context.getBean(GearmanServerProperties.class).toSettings().getAccessPolicy();
				assertThat(policy.isOpen()).isFalse();
				assertThat(policy.maySubmit("CN=billing,O=Example", "report.monthly")).isTrue();
				assertThat(policy.maySubmit("CN=billing,O=Example", "payroll.run")).isFalse();
				assertThat(policy.mayWork("CN=billing,O=Example", "invoice.render")).isFalse();
				assertThat(policy.mayAdmin("CN=ops,O=Example", AdminAccess.WRITE)).isTrue();
				assertThat(policy.mayAdmin("anonymous", AdminAccess.READ)).isTrue();
				assertThat(policy.mayAdmin("anonymous", AdminAccess.WRITE)).isFalse();
				assertThat(policy.mayWork("anonymous", "thumbnail")).isTrue();
			});
	}

	@Test
	void withoutRulesAccessShouldStayOpen() {
		this.runner.run((context) -> assertThat(
				context.getBean(GearmanServerProperties.class).toSettings().getAccessPolicy())
			.isSameAs(AccessPolicy.OPEN));
	}

	@Test
	void ruleThatGrantsNothingShouldFailRatherThanDenySilently() {
		// "sumbit" is ignored by binding: without this check the rule would quietly grant nothing
		this.runner
			.withPropertyValues("gearman.server.access.rules[0].identity=CN=billing,*",
					"gearman.server.access.rules[0].sumbit=invoice.*")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("gearman.server.access.rules[0]")
				.hasMessageContaining("grants nothing"));
		this.runner.withPropertyValues("gearman.server.access.rules[0].submit=invoice.*")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("gearman.server.access.rules[0].identity"));
	}

	@Test
	void rulesForCertificatesWithoutClientCertificatesShouldBeWarnedAbout() {
		Logger logger = (Logger) LoggerFactory.getLogger(GearmanServerAutoConfiguration.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			this.runner
				.withPropertyValues("gearman.server.access.rules[0].identity=CN=billing,*",
						"gearman.server.access.rules[0].submit=invoice.*",
						"gearman.server.access.rules[1].identity=*", "gearman.server.access.rules[1].admin=read")
				.run((context) -> assertThat(context).hasNotFailed());
		}
		finally {
			logger.detachAppender(appender);
		}
		assertThat(appender.list).filteredOn((event) -> event.getLevel() == Level.WARN)
			.singleElement()
			.extracting(ILoggingEvent::getFormattedMessage)
			.asString()
			.contains("[CN=billing,*]")
			.contains("every connection is 'anonymous'");
	}

	@Test
	void plaintextPortShouldBePublishedAndServeClientsWithoutTls() {
		this.runner.withPropertyValues(bundle("gearman", serverCertificate, false))
			.withPropertyValues("gearman.server.ssl.bundle=gearman", "gearman.server.plaintext-port=0")
			.run((context) -> {
				GearmanServer server = context.getBean(GearmanServer.class);
				assertThat(context.getEnvironment().getProperty("local.gearman.plaintext-port", Integer.class))
					.isEqualTo(server.plaintextPort())
					.isNotEqualTo(server.port());
				// the application's clients have no bundle: they take the plaintext listener on loopback
				try (GearmanWorker worker = echoWorker(server.port(), null)) {
					assertThat(context.getBean(GearmanTemplate.class).call("echo", "locally")).isEqualTo("locally");
				}
			});
	}

	@Test
	void tlsOnlyServerShouldStartAndSayWhyTheApplicationsPlaintextClientsCannotReachIt() {
		Logger logger = (Logger) LoggerFactory.getLogger(GearmanAutoConfiguration.class);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		try {
			// an application that runs the server without using its own clients (the server app) must start
			this.runner.withPropertyValues(bundle("gearman", serverCertificate, false))
				.withPropertyValues("gearman.server.ssl.bundle=gearman")
				.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(GearmanServer.class));
		}
		finally {
			logger.detachAppender(appender);
		}
		assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
			.anySatisfy((line) -> assertThat(line).contains("speaks TLS only")
				.contains("gearman.ssl.bundle")
				.contains("gearman.server.plaintext-port"));
	}

	@Test
	void renewedCertificateFilesShouldServeNewConnectionsWithoutDroppingEstablishedOnes() throws Exception {
		Path certificate = dir.resolve("watched.pem");
		Path key = dir.resolve("watched-key.pem");
		Credentials first = ca.server("first", "127.0.0.1");
		Credentials renewed = ca.server("renewed", "127.0.0.1");
		first.copyTo(certificate, key);
		this.runner
			.withPropertyValues("spring.ssl.bundle.pem.gearman.keystore.certificate=file:" + certificate,
					"spring.ssl.bundle.pem.gearman.keystore.private-key=file:" + key,
					"spring.ssl.bundle.pem.gearman.reload-on-update=true",
					"spring.ssl.bundle.watch.file.quiet-period=100ms", "gearman.server.ssl.bundle=gearman",
					"gearman.server.plaintext-port=0")
			.run((context) -> {
				GearmanServer server = context.getBean(GearmanServer.class);
				assertThat(presentedSerial(server.port())).isEqualTo(first.certificate().getSerialNumber());
				try (GearmanWorker worker = echoWorker(server.port(), null);
						GearmanClient established = new GearmanClient(
								GearmanClientSettings.of(TlsTestSupport.HOST + ":" + server.port())
									.withConnection(TlsTestSupport.connection(ca, null, true)))) {
					assertThat(established.submit("echo", "before").get(10, TimeUnit.SECONDS)).isEqualTo("before");

					renewed.copyTo(certificate, key);
					await().atMost(Duration.ofSeconds(20))
						.pollInterval(Duration.ofMillis(200))
						.until(() -> presentedSerial(server.port())
							.equals(renewed.certificate().getSerialNumber()));

					// the connections made before the renewal carry on: none was dropped
					assertThat(established.submit("echo", "after").get(10, TimeUnit.SECONDS)).isEqualTo("after");
					assertThat(worker.connectivity()).containsValue(true);
				}
			});
	}

	private static GearmanWorker echoWorker(int port, Credentials certificate) {
		GearmanWorker worker = new GearmanWorker(GearmanWorkerSettings.of(TlsTestSupport.HOST + ":" + port)
			.withConnection(TlsTestSupport.connection(ca, certificate, true)));
		worker.register("echo", (job) -> job.payload());
		worker.start();
		return worker;
	}

	/** The serial number of the certificate the server presents to a new connection. */
	private static BigInteger presentedSerial(int port) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, ca.trustManagers().getTrustManagers(), null);
		try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
			socket.connect(new InetSocketAddress(TlsTestSupport.HOST, port), 5_000);
			socket.setSoTimeout(5_000);
			socket.startHandshake();
			return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
		}
	}

}
