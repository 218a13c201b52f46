package dev.gearman.server.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PHP's gearman extension as a client, for tests outside this package: runs gearman-core's
 * {@code interop/php-client.php} (from its test jar) through {@link ExternalProcess} and parses the output with
 * {@link Peers#phpResult}. Every process started is killed by {@link #close()}.
 */
public final class PhpClient implements AutoCloseable {

	private final String host;

	private final int port;

	private final Path dir;

	private final Path script;

	private final List<ExternalProcess> processes = new ArrayList<>();

	/**
	 * Creates a client for one job server.
	 * @param host the server's host
	 * @param port the server's port
	 * @param dir where the script copy and process output go
	 */
	public PhpClient(String host, int port, Path dir) {
		this.host = host;
		this.port = port;
		this.dir = dir;
		this.script = extract(dir);
	}

	/** Fails the test with an install hint unless {@code php} with the gearman extension is available. */
	public static void require() {
		Peers.requirePhpGearman();
	}

	/**
	 * Starts {@code php-client.php MODE ARGS...} without waiting.
	 * @param mode the mode (do, bg, status, pollstatus, pollgone, tasks)
	 * @param args its arguments
	 * @return the running client
	 */
	public Run start(String mode, String... args) {
		List<String> command = new ArrayList<>(
				List.of("php", this.script.toString(), this.host, String.valueOf(this.port), mode));
		command.addAll(List.of(args));
		ExternalProcess process = ExternalProcess.start(command, null, this.dir);
		this.processes.add(process);
		return new Run(process);
	}

	/**
	 * Runs {@code php-client.php MODE ARGS...} to its end.
	 * @param mode the mode
	 * @param args its arguments
	 * @return its {@code key=value} lines, repeated keys in order
	 */
	public Map<String, List<String>> run(String mode, String... args) {
		return start(mode, args).await();
	}

	/**
	 * The one value of a key.
	 * @param result the parsed output
	 * @param key the key
	 * @return the value
	 */
	public static String one(Map<String, List<String>> result, String key) {
		return Peers.one(result, key);
	}

	@Override
	public void close() {
		this.processes.forEach(ExternalProcess::close);
	}

	private static Path extract(Path dir) {
		try (InputStream in = Peers.class.getResourceAsStream("/interop/php-client.php")) {
			assertThat(in).as("interop/php-client.php in gearman-core's test jar").isNotNull();
			Path target = dir.resolve("php-client.php");
			Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
			return target;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A PHP client process. */
	public static final class Run {

		private final ExternalProcess process;

		private Run(ExternalProcess process) {
			this.process = process;
		}

		/**
		 * Waits for a successful exit and parses the output.
		 * @return its {@code key=value} lines
		 */
		public Map<String, List<String>> await() {
			return Peers.phpResult(this.process);
		}

		/**
		 * What the process printed, for assertion messages.
		 * @return command, stdout and stderr
		 */
		public String describe() {
			return this.process.describe();
		}

	}

}
