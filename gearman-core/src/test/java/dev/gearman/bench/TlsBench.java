package dev.gearman.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.TrustManagerFactory;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.GearmanClientSettings;
import dev.gearman.client.JobRequest;
import dev.gearman.connection.ClientTls;
import dev.gearman.connection.ConnectionSettings;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;

/**
 * TLS beside plaintext on one running server (a TLS port and the plaintext listener beside it), with the same
 * load against each in interleaved rounds (plaintext, TLS, plaintext, TLS, ...), after one unmeasured warm-up
 * round of each:
 * <ul>
 * <li>{@code fg}: C client threads, each with a client (one connection) of its own, each running K sequential
 * foreground jobs with 16-byte payloads through an echo worker: jobs per second;</li>
 * <li>{@code echo}: one client sending P jobs of 1 MiB one after the other, echoed back: MiB per second (the
 * payload counted once, as the shared load generator counts it).</li>
 * </ul>
 * Clients and workers are ours, in this JVM, so that both sides of every job cross TLS on the TLS port: the
 * shared libgearman load generator speaks no TLS (Debian's libgearman 1.1.20 has none). Prints every round as
 * {@code key=value} lines, then medians and the ratios TLS/plaintext. Not a test: {@code benchmarks/tls.sh} runs it.
 * <p>
 * usage: {@code TlsBench HOST PLAINTEXT_PORT TLS_PORT CA_PEM [--rounds R] [--clients C] [--fg-count K]
 * [--payload-count P]}
 */
public final class TlsBench {

	private final String host;

	private final int plaintextPort;

	private final int tlsPort;

	private final ClientTls tls;

	private int rounds = 5;

	private int clients = 4;

	private int fgCount = 5_000;

	private int payloadCount = 100;

	private TlsBench(String[] args) throws Exception {
		this.host = args[0];
		this.plaintextPort = Integer.parseInt(args[1]);
		this.tlsPort = Integer.parseInt(args[2]);
		this.tls = new ClientTls(ClientTls.context(null, trust(Path.of(args[3])), true, null, null));
		for (int i = 4; i + 1 < args.length; i += 2) {
			int value = Integer.parseInt(args[i + 1]);
			switch (args[i]) {
				case "--rounds" -> this.rounds = value;
				case "--clients" -> this.clients = value;
				case "--fg-count" -> this.fgCount = value;
				case "--payload-count" -> this.payloadCount = value;
				default -> throw new IllegalArgumentException("option: " + args[i]
						+ " (expected: --rounds, --clients, --fg-count, --payload-count)");
			}
		}
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 4) {
			System.err.println("usage: TlsBench HOST PLAINTEXT_PORT TLS_PORT CA_PEM [--rounds R] [--clients C]"
					+ " [--fg-count K] [--payload-count P]");
			System.exit(2);
		}
		new TlsBench(args).run();
	}

	private static TrustManagerFactory trust(Path caPem) throws Exception {
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		try (InputStream in = Files.newInputStream(caPem)) {
			store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
		}
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(store);
		return factory;
	}

	private void run() throws Exception {
		System.out.println("nproc=" + Runtime.getRuntime().availableProcessors());
		System.out.println("clients=" + this.clients + " fg_count=" + this.fgCount + " payload_count="
				+ this.payloadCount + " rounds=" + this.rounds);
		List<double[]> plain = new ArrayList<>();
		List<double[]> secure = new ArrayList<>();
		// warm-up: JIT, TLS session setup and buffer pools, on both sides, not measured
		round(false, 0);
		round(true, 0);
		for (int r = 1; r <= this.rounds; r++) {
			plain.add(round(false, r));
			secure.add(round(true, r));
		}
		double[] p = medians(plain);
		double[] t = medians(secure);
		System.out.println();
		System.out.printf(Locale.ROOT, "%-44s %12s %12s %10s%n", "figure (medians of " + this.rounds + " rounds)",
				"plaintext", "tls", "tls/plain");
		System.out.printf(Locale.ROOT, "%-44s %12.0f %12.0f %10.2f%n",
				"fg " + this.clients + " clients x " + this.fgCount + " x 16 B (jobs/s)", p[0], t[0], t[0] / p[0]);
		System.out.printf(Locale.ROOT, "%-44s %12.1f %12.1f %10.2f%n", "1 MiB echo (MiB/s)", p[1], t[1],
				t[1] / p[1]);
	}

	/** One round against one port: {fg jobs/s, echo MiB/s}. */
	private double[] round(boolean secure, int round) throws Exception {
		int port = secure ? this.tlsPort : this.plaintextPort;
		ConnectionSettings connection = ConnectionSettings.DEFAULTS.withTls(secure ? this.tls : null);
		String server = this.host + ":" + port;
		String suffix = "-" + round + (secure ? "-tls" : "-plain");
		try (GearmanWorker worker = new GearmanWorker(
				GearmanWorkerSettings.of(server).withConnection(connection).withConcurrency(this.clients))) {
			worker.register("fg" + suffix, (job) -> job.payload());
			worker.register("echo" + suffix, (job) -> job.payload());
			worker.start();
			double fg = foreground(server, connection, "fg" + suffix);
			double echo = echo(server, connection, "echo" + suffix);
			String kind = secure ? "tls" : "plaintext";
			System.out.printf(Locale.ROOT, "round=%d server=%s fg_jobs_per_s=%.0f echo_mib_per_s=%.1f%n", round,
					kind, fg, echo);
			return new double[] { fg, echo };
		}
	}

	private double foreground(String server, ConnectionSettings connection, String function) throws Exception {
		List<GearmanClient> all = new ArrayList<>();
		for (int c = 0; c < this.clients; c++) {
			all.add(new GearmanClient(GearmanClientSettings.of(server).withConnection(connection)));
		}
		try {
			byte[] payload = new byte[16];
			// one job each first: connections are made and TLS handshakes done before the clock starts
			for (GearmanClient client : all) {
				client.submit(JobRequest.of(function, payload)).get(30, TimeUnit.SECONDS);
			}
			long start = System.nanoTime();
			List<CompletableFuture<Void>> runs = new ArrayList<>();
			for (GearmanClient client : all) {
				runs.add(CompletableFuture.runAsync(() -> {
					for (int i = 0; i < this.fgCount; i++) {
						client.submit(JobRequest.of(function, payload)).join();
					}
				}));
			}
			CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.MINUTES);
			double seconds = (System.nanoTime() - start) / 1e9;
			return (double) this.clients * this.fgCount / seconds;
		}
		finally {
			all.forEach(GearmanClient::close);
		}
	}

	private double echo(String server, ConnectionSettings connection, String function) throws Exception {
		byte[] payload = new byte[1024 * 1024];
		Arrays.fill(payload, (byte) 'x');
		try (GearmanClient client = new GearmanClient(GearmanClientSettings.of(server)
			.withConnection(connection)
			.withDefaultTimeout(Duration.ofMinutes(1)))) {
			client.submit(JobRequest.of(function, payload)).get(1, TimeUnit.MINUTES);
			long start = System.nanoTime();
			for (int i = 0; i < this.payloadCount; i++) {
				byte[] back = client.submit(JobRequest.of(function, payload)).get(1, TimeUnit.MINUTES);
				if (back.length != payload.length) {
					throw new IllegalStateException("echo: " + back.length + " bytes (expected: " + payload.length + ")");
				}
			}
			double seconds = (System.nanoTime() - start) / 1e9;
			return this.payloadCount / seconds;
		}
	}

	private static double[] medians(List<double[]> rounds) {
		double[] medians = new double[rounds.get(0).length];
		for (int i = 0; i < medians.length; i++) {
			int figure = i;
			double[] values = rounds.stream().mapToDouble((r) -> r[figure]).sorted().toArray();
			medians[i] = (values.length % 2 == 1) ? values[values.length / 2]
					: (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
		}
		return medians;
	}

}
