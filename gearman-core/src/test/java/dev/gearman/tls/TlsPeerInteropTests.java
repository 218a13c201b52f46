package dev.gearman.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobHandle;
import dev.gearman.client.JobRequest;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import dev.gearman.server.access.AccessRules;
import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.RawConnection;
import dev.gearman.tls.TestPki.Credentials;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import io.netty.handler.ssl.ClientAuth;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real peers through our TLS port: Perl's {@code Gearman::Client} and {@code Gearman::Worker} ({@code use_ssl},
 * {@code ca_file}, {@code cert_file}, {@code key_file}; Debian's libgearman-client-perl on IO::Socket::SSL) and
 * {@code openssl s_client} speaking the admin protocol. The server asks for client certificates and trusts one
 * authority; its access list lets {@code CN=billing} submit {@code invoice.*}, {@code CN=invoice-worker} work on
 * {@code invoice.*}, {@code CN=ops} use every admin command and anonymous peers read the listings.
 * <p>
 * Mutual TLS: a valid certificate is served and its subject is the identity the access list sees; a certificate
 * from another authority, an expired one, and none where one is required are refused in the handshake. Authorization
 * end to end: a worker registering a function it may not do, a client submitting one it may not and an anonymous
 * {@code cancel job} each get a clear error, while the legitimate peers carry on.
 */
class TlsPeerInteropTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@TempDir
	static Path dir;

	private static TestPki ca;

	private static Credentials billing;

	private static Credentials invoiceWorker;

	private static Credentials ops;

	private static GearmanServer server;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void startServer() {
		PeerProcess.requirePerlGearman();
		PeerProcess.requireOpenSsl();
		ca = TestPki.create(dir, "peers");
		billing = ca.client("billing", "CN=billing,O=Example");
		invoiceWorker = ca.client("invoice-worker", "CN=invoice-worker,O=Example");
		ops = ca.client("ops", "CN=ops,O=Example");
		AccessRules rules = AccessRules.builder()
			.rule("CN=billing,O=Example", (r) -> r.submit("invoice.*"))
			.rule("CN=invoice-worker,O=Example", (r) -> r.work("invoice.*"))
			.rule("CN=ops,O=Example", (r) -> r.admin(AdminAccess.WRITE))
			.rule("anonymous", (r) -> r.admin(AdminAccess.READ))
			.build();
		server = TlsTestSupport.startServer(ca.server("server", "localhost", "127.0.0.1"), ClientAuth.OPTIONAL,
				(settings) -> settings.setAccessPolicy(rules));
	}

	@AfterAll
	static void stopServer() {
		if (server != null) {
			server.stop();
		}
	}

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.closeables.clear();
	}

	private <T extends AutoCloseable> T closing(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private PeerProcess perl(String script, @Nullable Credentials credentials, String... args) {
		List<String> all = new ArrayList<>(List.of(TlsTestSupport.HOST, String.valueOf(server.port()),
				ca.caFile().toString(), (credentials != null) ? credentials.certificateFile().toString() : "-",
				(credentials != null) ? credentials.keyFile().toString() : "-"));
		all.addAll(List.of(args));
		return closing(PeerProcess.perl(script, all));
	}

	/** {@code openssl s_client} verifying the server against the authority and its IP address. */
	private PeerProcess openssl(@Nullable Credentials credentials) {
		List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
				TlsTestSupport.HOST + ":" + server.port(), "-CAfile", ca.caFile().toString(), "-verify_return_error",
				"-verify_ip", TlsTestSupport.HOST, "-quiet"));
		if (credentials != null) {
			command.addAll(List.of("-cert", credentials.certificateFile().toString(), "-key",
					credentials.keyFile().toString()));
		}
		return closing(PeerProcess.start(command));
	}

	/** One admin command through openssl, answered with a list ending in "." or one line. */
	private String adminOverOpenSsl(@Nullable Credentials credentials, String command, boolean list) {
		PeerProcess openssl = openssl(credentials).send(command + "\n");
		return openssl.awaitStdout((out) -> list ? out.endsWith("\n.\n") || out.equals(".\n") : out.endsWith("\n"),
				WAIT);
	}

	private GearmanClient billingClient() {
		return closing(new GearmanClient(GearmanClientSettings.of(TlsTestSupport.HOST + ":" + server.port())
			.withConnection(TlsTestSupport.connection(ca, billing, true))
			.withDefaultTimeout(Duration.ofSeconds(10))));
	}

	private GearmanWorker javaInvoiceWorker(String function) {
		GearmanWorker worker = closing(new GearmanWorker(
				GearmanWorkerSettings.of(TlsTestSupport.HOST + ":" + server.port())
					.withConnection(TlsTestSupport.connection(ca, invoiceWorker, true))));
		worker.register(function, (job) -> ("java:" + job.payloadAsString()).getBytes());
		worker.start();
		return worker;
	}

	private void awaitWorkers(String function, int workers) {
		await(workers + " workers for " + function).atMost(WAIT).until(() -> report().functions()
			.stream()
			.filter((f) -> f.name().equals(function))
			.anyMatch((f) -> f.workers() == workers));
	}

	private static EngineReport report() throws Exception {
		return server.engine().report(100).get(5, TimeUnit.SECONDS);
	}

	@Test
	void perlClientAndWorkerShouldRunJobsWithTheirCertificatesAsIdentities() throws Exception {
		PeerProcess worker = perl("perl-worker.pl", invoiceWorker, "invoice.render", "1");
		awaitWorkers("invoice.render", 1);
		assertThat(report().workers()).extracting(EngineReport.WorkerInfo::identity)
			.contains("CN=invoice-worker,O=Example");

		PeerProcess client = perl("perl-client.pl", billing, "invoice.render", "gearman over tls");
		assertThat(client.awaitExit(PeerProcess.TIMEOUT)).as(client.describe()).isZero();
		assertThat(client.stdout()).contains("result=slt revo namraeg");
		assertThat(worker.awaitExit(PeerProcess.TIMEOUT)).as(worker.describe()).isZero();
		assertThat(worker.stdout()).contains("done=1");
	}

	@Test
	void perlWorkerShouldServeOurClientAndOurWorkerThePerlClient() throws Exception {
		perl("perl-worker.pl", invoiceWorker, "invoice.perl", "1");
		awaitWorkers("invoice.perl", 1);
		assertThat(billingClient().submit("invoice.perl", "abc").get(20, TimeUnit.SECONDS)).isEqualTo("cba");

		javaInvoiceWorker("invoice.java");
		awaitWorkers("invoice.java", 1);
		PeerProcess client = perl("perl-client.pl", billing, "invoice.java", "x");
		assertThat(client.awaitExit(PeerProcess.TIMEOUT)).as(client.describe()).isZero();
		assertThat(client.stdout()).contains("result=java:x");
	}

	@Test
	void workerRegisteringAFunctionItMayNotDoShouldBeRefusedAndOthersServed() throws Exception {
		javaInvoiceWorker("invoice.legit");
		awaitWorkers("invoice.legit", 1);

		PeerProcess intruder = perl("perl-worker.pl", invoiceWorker, "payroll.run", "1");
		assertThat(intruder.awaitExit(PeerProcess.TIMEOUT)).as(intruder.describe()).isNotZero();
		// Gearman::Worker dies on the ERROR packet and prints it
		assertThat(intruder.stderr()).contains("PERMISSION_DENIED")
			.contains("Identity 'CN=invoice-worker,O=Example' may not register function 'payroll.run'");
		assertThat(report().functions()).noneMatch((f) -> f.name().equals("payroll.run") && f.workers() > 0);

		assertThat(billingClient().submit("invoice.legit", "still served").get(20, TimeUnit.SECONDS))
			.isEqualTo("java:still served");
	}

	@Test
	void clientSubmittingAFunctionItMayNotShouldBeRefusedAndOthersServed() throws Exception {
		javaInvoiceWorker("invoice.audit");
		awaitWorkers("invoice.audit", 1);

		PeerProcess client = perl("perl-client.pl", billing, "payroll.run", "x");
		assertThat(client.awaitExit(PeerProcess.TIMEOUT)).as(client.describe()).isNotZero();
		// Gearman::Client's task set croaks on the ERROR packet with its text
		assertThat(client.stderr()).contains("PERMISSION_DENIED")
			.contains("Identity 'CN=billing,O=Example' may not submit jobs of 'payroll.run'");
		// a worker's identity may not submit either: rights are per identity and per action
		PeerProcess workerAsClient = perl("perl-client.pl", invoiceWorker, "invoice.audit", "x");
		assertThat(workerAsClient.awaitExit(PeerProcess.TIMEOUT)).isNotZero();
		assertThat(workerAsClient.stderr()).contains("PERMISSION_DENIED");

		PeerProcess legit = perl("perl-client.pl", billing, "invoice.audit", "fine");
		assertThat(legit.awaitExit(PeerProcess.TIMEOUT)).as(legit.describe()).isZero();
		assertThat(legit.stdout()).contains("result=java:fine");
	}

	@Test
	void opensslShouldSpeakTheAdminProtocolOverTls() {
		javaInvoiceWorker("invoice.listed");
		awaitWorkers("invoice.listed", 1);
		assertThat(adminOverOpenSsl(null, "status", true)).contains("invoice.listed\t0\t0\t1");
		assertThat(adminOverOpenSsl(ops, "workers", true)).contains("invoice.listed");
	}

	@Test
	void anonymousCancelJobShouldBeRefusedAndTheOperatorsAllowed() throws Exception {
		JobHandle queued = billingClient().submitBackground(JobRequest.of("invoice.nobody", "x"))
			.get(10, TimeUnit.SECONDS);
		assertThat(adminOverOpenSsl(null, "cancel job " + queued.handle(), false))
			.startsWith("ERR PERMISSION_DENIED");
		assertThat(adminOverOpenSsl(null, "status", true)).contains("invoice.nobody\t1\t0\t0");
		// a client's identity may submit, not administer
		assertThat(adminOverOpenSsl(billing, "cancel job " + queued.handle(), false))
			.startsWith("ERR PERMISSION_DENIED");

		assertThat(adminOverOpenSsl(ops, "cancel job " + queued.handle(), false)).startsWith("OK");
		assertThat(adminOverOpenSsl(null, "status", true)).doesNotContain("invoice.nobody\t1");
	}

	@Test
	void clientIdShouldNotStandInForACertificate() throws Exception {
		JobHandle queued = billingClient().submitBackground(JobRequest.of("invoice.spoofed", "x"))
			.get(10, TimeUnit.SECONDS);
		try (RawConnection anonymous = TlsTestSupport.raw(server.port(), ca, null)) {
			// SET_CLIENT_ID is whatever the peer says; the identity is what its certificate proves
			anonymous.send(PacketType.SET_CLIENT_ID, "CN=ops,O=Example");
			assertThat(anonymous.admin("cancel job " + queued.handle(), false)).startsWith("ERR PERMISSION_DENIED");
			anonymous.send(PacketType.CAN_DO, "invoice.spoofed");
			assertThat(anonymous.expect(PacketType.ERROR).arg(1)).isEqualTo(
					"Identity 'anonymous' may not register function 'invoice.spoofed'");
		}
		assertThat(adminOverOpenSsl(null, "status", true)).contains("invoice.spoofed\t1\t0\t0");
	}

	@Test
	void certificatesFromAnotherAuthorityOrExpiredShouldBeRefusedInTheHandshake() throws Exception {
		javaInvoiceWorker("invoice.guarded");
		awaitWorkers("invoice.guarded", 1);
		TestPki stranger = TestPki.create(dir, "stranger");
		Credentials forged = stranger.client("forged", "CN=ops,O=Example");
		Credentials expired = ca.expiredClient("expired", "CN=ops,O=Example");

		for (Credentials refused : List.of(forged, expired)) {
			PeerProcess openssl = openssl(refused).send("cancel job H:x:1\nstatus\n");
			assertThat(openssl.awaitExit(PeerProcess.TIMEOUT)).as(openssl.describe()).isNotZero();
			assertThat(openssl.stdout()).as(openssl.describe()).doesNotContain("OK").doesNotContain("invoice");
			assertThat(openssl.stderr()).as(openssl.describe()).contains("alert");

			PeerProcess client = perl("perl-client.pl", refused, "invoice.guarded", "x");
			assertThat(client.awaitExit(PeerProcess.TIMEOUT)).as(client.describe()).isNotZero();
			assertThat(client.stdout()).doesNotContain("result=");
		}
		assertThat(billingClient().submit("invoice.guarded", "unaffected").get(20, TimeUnit.SECONDS))
			.isEqualTo("java:unaffected");
	}

	@Test
	void missingCertificateShouldBeRefusedWhereOneIsRequired() throws Exception {
		GearmanServer strict = closing(TlsTestSupport.startServer(ca.server("strict", "127.0.0.1"),
				ClientAuth.REQUIRE, (settings) -> {
				}));
		PeerProcess anonymous = closing(PeerProcess.start(List.of("openssl", "s_client", "-connect",
				TlsTestSupport.HOST + ":" + strict.port(), "-CAfile", ca.caFile().toString(), "-quiet")));
		anonymous.send("status\n");
		assertThat(anonymous.awaitExit(PeerProcess.TIMEOUT)).as(anonymous.describe()).isNotZero();
		assertThat(anonymous.stderr()).contains("alert");
		assertThat(anonymous.stdout()).doesNotContain(".");

		PeerProcess withCertificate = closing(PeerProcess.start(List.of("openssl", "s_client", "-connect",
				TlsTestSupport.HOST + ":" + strict.port(), "-CAfile", ca.caFile().toString(), "-quiet", "-cert",
				ops.certificateFile().toString(), "-key", ops.keyFile().toString())));
		withCertificate.send("version\n");
		assertThat(withCertificate.awaitStdout((out) -> out.startsWith("OK "), WAIT)).startsWith("OK ");
	}

}
