package dev.gearman.server.app;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * The server app's repackaged jar run as processes, for the tests that kill it ({@code *IT}, after
 * {@code package}): each on a loopback port of its own with its HTTP port picked freely, its output in a log file.
 * {@link #close()} kills what is still running.
 */
final class AppProcesses implements AutoCloseable {

	/** The jar {@code mvn package} builds. */
	static final Path JAR = Path.of("target", "gearman-server-app.jar");

	private final Path logDir;

	private final List<Process> processes = new ArrayList<>();

	/**
	 * @param logDir where the processes' logs go
	 */
	AppProcesses(Path logDir) {
		this.logDir = logDir;
	}

	/**
	 * Starts the app and waits until it listens.
	 * @param port the Gearman port
	 * @param logName the log file's name
	 * @param arguments more arguments, e.g. the database
	 * @return the process
	 */
	Process start(int port, String logName, String... arguments) throws IOException, InterruptedException {
		Path log = this.logDir.resolve(logName);
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", JAR.toString(),
				"--gearman.server.address=127.0.0.1", "--gearman.server.port=" + port, "--server.port=0"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.start();
		this.processes.add(process);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (!Files.readString(log, StandardCharsets.UTF_8).contains("listening on")) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				fail("server app did not start:\n" + Files.readString(log));
			}
			Thread.sleep(100);
		}
		return process;
	}

	/** A free loopback port. */
	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() {
		this.processes.forEach(Process::destroyForcibly);
	}

}
