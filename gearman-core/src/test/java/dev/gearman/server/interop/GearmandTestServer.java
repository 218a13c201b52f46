package dev.gearman.server.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.fail;

/**
 * Debian's gearmand (package gearman-job-server) as a {@link TestJobServer}: started in the foreground on a free
 * loopback port with the in-memory queue, killed by {@link #close()}.
 */
final class GearmandTestServer implements TestJobServer {

	private static final Path GEARMAND = Path.of("/usr/sbin/gearmand");

	private final int port;

	private final Path dir;

	private ExternalProcess process;

	private GearmandTestServer(int port, Path dir) {
		this.port = port;
		this.dir = dir;
		this.process = launch();
	}

	/** Starts gearmand; fails the test with an install hint if it is missing. */
	static GearmandTestServer start() {
		if (!Files.isExecutable(GEARMAND)) {
			fail("gearmand is not installed at " + GEARMAND + ": install the Debian package gearman-job-server"
					+ " (apt-get install gearman-job-server; scripts/test-all.sh does this)");
		}
		try {
			Path dir = Files.createTempDirectory("gearmand-test-");
			return new GearmandTestServer(freePort(), dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(Peers.HOST, 0));
			return socket.getLocalPort();
		}
	}

	private ExternalProcess launch() {
		ExternalProcess started = ExternalProcess.start(List.of(GEARMAND.toString(), "--listen=" + Peers.HOST,
				"--port=" + this.port, "--threads=2", "--log-file=none", "--pid-file=" + this.dir.resolve("pid")),
				null, this.dir);
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket probe = new Socket()) {
				probe.connect(new InetSocketAddress(Peers.HOST, this.port), 200);
				return started;
			}
			catch (IOException notYet) {
				if (started.hasExited()) {
					fail("gearmand exited at start: " + started.describe());
				}
				pause();
			}
		}
		started.close();
		return fail("gearmand did not listen on port " + this.port + " within 15 s: " + started.describe());
	}

	private static void pause() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public String name() {
		return "gearmand";
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public void kill() {
		this.process.close();
	}

	@Override
	public void restart() {
		this.process = launch();
	}

	@Override
	public boolean runsEpochJobs() {
		// gearmand 1.1.20 acknowledges SUBMIT_JOB_EPOCH, but with the in-memory queue the job never runs
		return false;
	}

	@Override
	public void close() {
		this.process.close();
	}

	@Override
	public String toString() {
		return name() + " on " + address();
	}

}
