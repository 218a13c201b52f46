package dev.gearman.samples.logqueue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server app ({@code gearman-server-app.jar}) as a child process on a free loopback port, storing its queue
 * in a given data directory. It can be stopped gracefully (SIGTERM) or killed (SIGKILL, as {@code kill -9}).
 */
final class ServerAppProcess implements AutoCloseable {

	private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

	private static final Duration STARTUP = Duration.ofSeconds(90);

	private final Process process;

	private final Path log;

	private final int port;

	private ServerAppProcess(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/**
	 * Starts the server and waits until it listens.
	 * @param dataDir where the durable store keeps its database
	 * @param log where the server's output goes (appended, so that restarts keep the earlier runs)
	 * @return the running server
	 */
	static ServerAppProcess start(Path dataDir, Path log) throws IOException, InterruptedException {
		String jar = System.getProperty("gearman.server-app.jar");
		if (jar == null || !jar.endsWith(".jar") || !Files.isRegularFile(Path.of(jar))) {
			throw new IllegalStateException("gearman-server-app jar not found (" + jar + "); run this test with"
					+ " 'mvn verify', which packages the server app first");
		}
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		long offset = Files.exists(log) ? Files.size(log) : 0;
		Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar,
				"--gearman.server.address=127.0.0.1", "--gearman.server.port=0",
				// The job server only: no HTTP port for health and metrics, which this test does not use.
				"--spring.main.web-application-type=none", "--gearman.server.store.type=jdbc",
				"--gearman.server.data-dir=" + dataDir)
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		long deadline = System.nanoTime() + STARTUP.toNanos();
		try {
			while (System.nanoTime() < deadline) {
				String output = Files.readString(log).substring((int) offset);
				Matcher matcher = LISTENING.matcher(output);
				if (matcher.find()) {
					return new ServerAppProcess(process, log, Integer.parseInt(matcher.group(1)));
				}
				if (!process.isAlive()) {
					throw new IllegalStateException("server app exited with " + process.exitValue() + ":\n" + output);
				}
				// Polls the log for the startup line; a child JVM offers no callback to wait on.
				Thread.sleep(100);
			}
		}
		catch (RuntimeException | Error | IOException | InterruptedException ex) {
			process.destroyForcibly();
			throw ex;
		}
		process.destroyForcibly();
		throw new IllegalStateException("server app did not start within " + STARTUP + "; see " + log);
	}

	int port() {
		return this.port;
	}

	/** Stops the server the polite way (SIGTERM) and waits for it to exit. */
	void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			throw new IllegalStateException("server app did not stop within 30s on SIGTERM; see " + this.log);
		}
	}

	/** Kills the server at once (SIGKILL, {@code kill -9}): no shutdown hook, nothing flushed. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	/**
	 * Asks the server for its status with Debian's {@code gearadmin}.
	 * @return the lines of {@code gearadmin --status}: function, queued, running, workers
	 */
	List<String> gearadminStatus() throws IOException, InterruptedException {
		Process gearadmin = new ProcessBuilder("gearadmin", "-h", "127.0.0.1", "-p", Integer.toString(this.port),
				"--status")
			.redirectErrorStream(true)
			.start();
		try {
			if (!gearadmin.waitFor(20, TimeUnit.SECONDS)) {
				throw new IllegalStateException("gearadmin --status did not finish");
			}
			return new String(gearadmin.getInputStream().readAllBytes()).lines().toList();
		}
		finally {
			gearadmin.destroyForcibly();
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

}
