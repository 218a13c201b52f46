package dev.gearman.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * An external TLS peer (Perl's Gearman::Client and Gearman::Worker, {@code openssl s_client}) whose standard input
 * is a pipe the test writes to, so that it can hold a conversation, and whose output is collected as it arrives.
 * Every wait is bounded; {@link #close()} kills it.
 */
final class PeerProcess implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final List<String> command;

	private final Process process;

	private final StringBuffer stdout = new StringBuffer();

	private final StringBuffer stderr = new StringBuffer();

	private PeerProcess(List<String> command, Process process) {
		this.command = command;
		this.process = process;
		collect(process.getInputStream(), this.stdout);
		collect(process.getErrorStream(), this.stderr);
	}

	static PeerProcess start(List<String> command) {
		try {
			return new PeerProcess(List.copyOf(command), new ProcessBuilder(command).start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + String.join(" ", command), ex);
		}
	}

	/** Runs {@code perl SCRIPT ARGS...} for a script of the test resources' {@code tls} folder. */
	static PeerProcess perl(String script, List<String> args) {
		URL url = PeerProcess.class.getResource("/tls/" + script);
		assertThat(url).as("test resource tls/%s", script).isNotNull();
		try {
			List<String> command = new java.util.ArrayList<>(List.of("perl", Path.of(url.toURI()).toString()));
			command.addAll(args);
			return start(command);
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Fails with what to install unless Perl's Gearman client with TLS support is there. */
	static void requirePerlGearman() {
		require(List.of("perl", "-MGearman::Client", "-MGearman::Worker", "-MIO::Socket::SSL", "-e", "1"),
				"libgearman-client-perl libio-socket-ssl-perl");
	}

	/** Fails with what to install unless the openssl command is there. */
	static void requireOpenSsl() {
		require(List.of("openssl", "version"), "openssl");
	}

	private static void require(List<String> check, String packages) {
		int exit;
		String output;
		try (PeerProcess process = start(check)) {
			exit = process.awaitExit(TIMEOUT);
			output = process.describe();
		}
		catch (UncheckedIOException ex) {
			exit = -1;
			output = ex.getMessage();
		}
		if (exit != 0) {
			fail("The TLS interop tests need the Debian packages " + packages + " (apt-get install " + packages
					+ "; scripts/test-all.sh does this)\n" + output);
		}
	}

	private static void collect(InputStream in, StringBuffer into) {
		Thread reader = new Thread(() -> {
			byte[] chunk = new byte[8192];
			try (in) {
				int n;
				while ((n = in.read(chunk)) >= 0) {
					into.append(new String(chunk, 0, n, StandardCharsets.UTF_8));
				}
			}
			catch (IOException ex) {
				// the process is gone
			}
		}, "peer-output");
		reader.setDaemon(true);
		reader.start();
	}

	/** Writes to the peer's standard input. */
	PeerProcess send(String text) {
		try {
			OutputStream in = this.process.getOutputStream();
			in.write(text.getBytes(StandardCharsets.UTF_8));
			in.flush();
		}
		catch (IOException ex) {
			// the peer is gone; what it printed says why
		}
		return this;
	}

	/** Waits until the standard output satisfies a condition; fails with the peer's output on timeout. */
	String awaitStdout(Predicate<String> until, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			String out = this.stdout.toString();
			if (until.test(out)) {
				return out;
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
		}
		return fail("timed out after " + timeout.toSeconds() + " s waiting for output: " + describe());
	}

	/** Waits for the process to exit; fails with its output on timeout. */
	int awaitExit(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				String description = describe();
				close();
				fail("timed out after " + timeout.toSeconds() + " s: " + description);
			}
			// the readers may still hold the last bytes
			Thread.sleep(50);
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return fail("interrupted while waiting for " + describe());
		}
	}

	String stdout() {
		return this.stdout.toString();
	}

	String stderr() {
		return this.stderr.toString();
	}

	String describe() {
		return "'" + String.join(" ", this.command) + "'" + (this.process.isAlive() ? " (running)" : "")
				+ "\n--- stdout:\n" + this.stdout + "\n--- stderr:\n" + this.stderr;
	}

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
