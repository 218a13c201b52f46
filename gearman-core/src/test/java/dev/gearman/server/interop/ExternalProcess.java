package dev.gearman.server.interop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * One external peer process (gearman, gearadmin, php). Its stdout and stderr go to files, so that a chatty
 * process can never block on a full pipe, and every wait is bounded. {@link #close()} kills it for good.
 */
final class ExternalProcess implements AutoCloseable {

	private final List<String> command;

	private final Process process;

	private final Path stdout;

	private final Path stderr;

	private ExternalProcess(List<String> command, Process process, Path stdout, Path stderr) {
		this.command = command;
		this.process = process;
		this.stdout = stdout;
		this.stderr = stderr;
	}

	/**
	 * Starts a process.
	 * @param command the command line
	 * @param stdin a file to read standard input from, or {@code null} for none
	 * @param outputDir where the stdout and stderr files go
	 */
	static ExternalProcess start(List<String> command, Path stdin, Path outputDir) {
		try {
			Path stdout = Files.createTempFile(outputDir, "out-", ".txt");
			Path stderr = Files.createTempFile(outputDir, "err-", ".txt");
			ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
				.redirectError(stderr.toFile())
				.redirectInput((stdin != null) ? ProcessBuilder.Redirect.from(stdin.toFile())
						: ProcessBuilder.Redirect.from(new File("/dev/null")));
			return new ExternalProcess(List.copyOf(command), builder.start(), stdout, stderr);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + String.join(" ", command), ex);
		}
	}

	/**
	 * Waits for the process to exit; on timeout kills it and fails the test with its output.
	 * @return the exit code
	 */
	int awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				close();
				fail("timed out after " + timeout.toSeconds() + " s: " + describe());
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close();
			return fail("interrupted while waiting for " + describe());
		}
	}

	/** @return whether the process has ended */
	boolean hasExited() {
		return !this.process.isAlive();
	}

	/** Waits for a successful exit, failing with the process's output otherwise. */
	ExternalProcess awaitSuccess(Duration timeout) {
		int exit = awaitExit(timeout);
		if (exit != 0) {
			fail("exit code " + exit + ": " + describe());
		}
		return this;
	}

	byte[] stdoutBytes() {
		try {
			return Files.readAllBytes(this.stdout);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String stdout() {
		return new String(stdoutBytes(), StandardCharsets.UTF_8);
	}

	String stderr() {
		try {
			return Files.readString(this.stderr, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String describe() {
		return "'" + String.join(" ", this.command) + "'" + (this.process.isAlive() ? " (running)" : "")
				+ "\n--- stdout:\n" + abbreviate(stdout()) + "\n--- stderr:\n" + abbreviate(stderr());
	}

	private static String abbreviate(String text) {
		return (text.length() > 2000) ? text.substring(0, 2000) + "…" : text;
	}

	/** Kills the process (and its children) and waits for it to go. */
	@Override
	public void close() {
		this.process.descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
