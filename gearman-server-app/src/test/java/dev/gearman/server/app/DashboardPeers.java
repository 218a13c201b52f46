package dev.gearman.server.app;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Real Gearman peers for the dashboard's tests, as processes against the server app: workers from Debian's
 * {@code gearman} CLI and PHP's gearman extension ({@code interop/php-worker.php} of gearman-core's tests), and
 * background submissions from PHP ({@code dashboard/submit.php}). Output goes to files; {@link #close()} kills every
 * process still running.
 */
final class DashboardPeers implements AutoCloseable {

	private final int port;

	private final Path dir;

	/** Every process started, with the file of its output. */
	private final Map<Process, Path> processes = new LinkedHashMap<>();

	DashboardPeers(int port, Path dir) {
		this.port = port;
		this.dir = dir;
	}

	/**
	 * {@code gearman -w -f FUNCTION -- COMMAND...}: a worker that runs the command for each job, the payload on its
	 * standard input and its output as the result.
	 */
	Process cliWorker(String function, String... command) {
		List<String> line = new ArrayList<>(List.of("gearman", "-h", "127.0.0.1", "-p", String.valueOf(this.port), "-w",
				"-f", function, "--"));
		line.addAll(List.of(command));
		return start(line);
	}

	/** {@code php php-worker.php HOST PORT MODE FUNCTION key=value...} (fail, log, sleep, ... see the script). */
	Process phpWorker(String mode, String function, String... options) {
		List<String> line = new ArrayList<>(List.of("php", resource("interop/php-worker.php"), "127.0.0.1",
				String.valueOf(this.port), mode, function));
		line.addAll(List.of(options));
		return start(line);
	}

	/**
	 * Submits background jobs from PHP and waits for it.
	 * @return the handles
	 */
	List<String> submit(String function, int count, String payload, String uniquePrefix, String priority) {
		Process php = start(List.of("php", resource("dashboard/submit.php"), "127.0.0.1", String.valueOf(this.port),
				function, String.valueOf(count), payload, uniquePrefix, priority));
		try {
			assertThat(php.waitFor(60, TimeUnit.SECONDS)).as("submit.php finished").isTrue();
			String out = Files.readString(output(php), StandardCharsets.UTF_8);
			assertThat(php.exitValue()).as("submit.php: %s", out).isZero();
			return out.lines().filter((l) -> l.startsWith("handle=")).map((l) -> l.substring(7)).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	List<String> submit(String function, int count, String payload) {
		return submit(function, count, payload, "", "normal");
	}

	/** {@code gearadmin --status} lines as [function, total, running, workers]. */
	List<String[]> status() {
		Process admin = start(List.of("gearadmin", "-h", "127.0.0.1", "-p", String.valueOf(this.port), "--status"));
		try {
			assertThat(admin.waitFor(30, TimeUnit.SECONDS)).isTrue();
			return Files.readAllLines(output(admin), StandardCharsets.UTF_8)
				.stream()
				.filter((l) -> l.contains("\t"))
				.map((l) -> l.split("\t"))
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private Process start(List<String> command) {
		try {
			Path out = Files.createTempFile(this.dir, "peer-", ".txt");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(out.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			this.processes.put(process, out);
			return process;
		}
		catch (IOException ex) {
			return fail("could not start " + command + " (Debian packages gearman-tools, php-cli, php-gearman:"
					+ " scripts/test-all.sh installs them)", ex);
		}
	}

	private Path output(Process process) {
		return this.processes.get(process);
	}

	/**
	 * A script of the test class path as a file: copied out, since in a full build gearman-core's scripts come from
	 * its test jar, not from a directory.
	 */
	private String resource(String name) {
		Path file = this.dir.resolve("scripts").resolve(name);
		try (InputStream in = DashboardPeers.class.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).as("test resource %s", name).isNotNull();
			if (!Files.exists(file)) {
				Files.createDirectories(file.getParent());
				Files.copy(in, file);
			}
			return file.toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		for (Process process : this.processes.keySet()) {
			process.descendants().forEach(ProcessHandle::destroyForcibly);
			process.destroyForcibly();
		}
		for (Process process : this.processes.keySet()) {
			try {
				process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}
