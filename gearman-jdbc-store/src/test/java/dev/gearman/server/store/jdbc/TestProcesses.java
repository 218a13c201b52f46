package dev.gearman.server.store.jdbc;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs the commands that start and stop throwaway database servers, every wait bounded, output kept in files.
 */
final class TestProcesses {

	private TestProcesses() {
	}

	static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			return fail("no free port", ex);
		}
	}

	/** Finds an executable or fails the test with how to install it; never skips. */
	static String require(String what, String install, String... candidates) {
		for (String candidate : candidates) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			for (String candidate : candidates) {
				Path path = Path.of(dir, Path.of(candidate).getFileName().toString());
				if (Files.isExecutable(path)) {
					return path.toString();
				}
			}
		}
		return fail(what + " not found (" + String.join(", ", candidates) + "). These tests need a real " + what
				+ ": " + install + " (scripts/test-all.sh installs it).");
	}

	/** Runs a command to completion within the timeout, failing the test with its output otherwise. */
	static void run(Path logDir, long timeoutSeconds, List<String> command) {
		try {
			Path log = Files.createTempFile(logDir, "cmd-", ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				fail("timed out after " + timeoutSeconds + " s: " + command + "\n" + Files.readString(log));
			}
			if (process.exitValue() != 0) {
				fail("exit code " + process.exitValue() + ": " + command + "\n" + Files.readString(log));
			}
		}
		catch (IOException ex) {
			fail("could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			fail("interrupted: " + command);
		}
	}

	/** Wraps a command so that it runs as the given system user when the tests run as root. */
	static List<String> as(String user, String command) {
		return isRoot() ? List.of("su", user, "-s", "/bin/sh", "-c", command) : List.of("/bin/sh", "-c", command);
	}

	/** A directory under the temp dir that a database's own user can enter and own. */
	static Path ownedDirectory(String prefix, String owner) {
		try {
			Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix);
			dir.toFile().setReadable(true, false);
			dir.toFile().setExecutable(true, false);
			if (isRoot()) {
				run(dir.getParent(), 10, List.of("chown", owner + ":" + owner, dir.toString()));
			}
			return dir;
		}
		catch (IOException ex) {
			return fail("could not create a directory", ex);
		}
	}

	static void deleteRecursively(Path dir) {
		if (dir == null || !Files.exists(dir)) {
			return;
		}
		try (var paths = Files.walk(dir)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// best effort: a temp directory left behind is harmless
		}
	}

}
