package dev.gearman.server.app;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The server app jar as a process of its own ({@code java -jar}), on a free loopback port, its output in a log
 * file: started, killed with SIGKILL or stopped with SIGTERM by the test.
 */
final class ServerAppProcess implements AutoCloseable {

	static final Path JAR = Path.of("target", "gearman-server-app.jar");

	private final Process process;

	private final Path log;

	private final int port;

	private ServerAppProcess(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/**
	 * Starts the app without waiting for it.
	 * @param port the Gearman port
	 * @param log where its output goes
	 * @param arguments further command-line arguments (database, cluster settings)
	 * @return the process
	 */
	static ServerAppProcess launch(int port, Path log, String... arguments) {
		assertThat(JAR).as("the repackaged jar (mvn package)").exists();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar",
				JAR.toString(), "--gearman.server.address=127.0.0.1", "--gearman.server.port=" + port,
				"--server.port=0"));
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			return new ServerAppProcess(process, log, port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits until the app listens; fails the test with its log if it dies or takes longer than two minutes. */
	ServerAppProcess awaitListening() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (!log().contains("listening on")) {
			if (!this.process.isAlive() || System.nanoTime() > deadline) {
				fail("server app on port " + this.port + " did not start:\n" + log());
			}
			sleep(100);
		}
		return this;
	}

	int port() {
		return this.port;
	}

	String address() {
		return "127.0.0.1:" + this.port;
	}

	String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** SIGKILL: no shutdown hook, no flush, no leaving. */
	void kill() {
		this.process.destroyForcibly();
		awaitExit();
	}

	/** SIGTERM: the app drains and stops as an operator stops it. */
	void stop() {
		this.process.destroy();
		awaitExit();
	}

	int awaitExit() {
		try {
			assertThat(this.process.waitFor(120, TimeUnit.SECONDS)).as("server app on port %d exited", this.port)
				.isTrue();
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

}
