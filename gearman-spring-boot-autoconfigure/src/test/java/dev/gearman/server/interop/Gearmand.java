package dev.gearman.server.interop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's gearmand (package gearman-job-server) on a free loopback port with its default in-memory queue, for
 * tests that need the reference server. {@link #close()} kills it.
 */
public final class Gearmand implements AutoCloseable {

	private static final String EXECUTABLE = "/usr/sbin/gearmand";

	private final ExternalProcess process;

	private final int port;

	private Gearmand(ExternalProcess process, int port) {
		this.process = process;
		this.port = port;
	}

	/**
	 * Starts gearmand and waits until it accepts connections.
	 * @param dir where its log and output go
	 * @return the running server
	 */
	public static Gearmand start(Path dir) {
		if (!Files.isExecutable(Path.of(EXECUTABLE))) {
			fail(EXECUTABLE + " is missing: install the Debian package gearman-job-server (apt-get install"
					+ " gearman-job-server; scripts/test-all.sh does this)");
		}
		for (int attempt = 1;; attempt++) {
			int port = freePort();
			ExternalProcess process = ExternalProcess.start(List.of(EXECUTABLE, "--listen=127.0.0.1",
					"--port=" + port, "--threads=1", "--verbose=WARNING",
					"--log-file=" + dir.resolve("gearmand-" + port + ".log"),
					"--pid-file=" + dir.resolve("gearmand-" + port + ".pid")), null, dir);
			if (awaitListening(port)) {
				return new Gearmand(process, port);
			}
			String description = process.describe();
			process.close();
			if (attempt == 3) {
				fail("gearmand did not start listening on 127.0.0.1:" + port + ": " + description);
			}
		}
	}

	/**
	 * The port it listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	@Override
	public void close() {
		this.process.close();
	}

	private static boolean awaitListening(int port) {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(Peers.HOST, port), 500);
				return true;
			}
			catch (IOException ex) {
				// not listening yet (or it failed to bind: then this times out and start() tries another port)
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(Peers.HOST))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException("no free loopback port", ex);
		}
	}

}
