package dev.gearman.samples.crosslanguage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One run of a PHP script (path relative to the module) with php-cli. Output goes to files, so that the process never
 * blocks on a full pipe; every wait is bounded, and {@link #close()} kills it.
 */
final class PhpScript implements AutoCloseable {

	private final Process process;

	private final Path output;

	private PhpScript(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	static PhpScript start(String script, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of("php", script));
		command.addAll(List.of(args));
		Path output = Files.createTempFile("php-" + Path.of(script).getFileName(), ".txt");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
			.start();
		return new PhpScript(process, output);
	}

	/**
	 * Waits for a successful exit.
	 * @return what the script printed
	 */
	String awaitSuccess() throws IOException, InterruptedException {
		boolean exited = this.process.waitFor(20, TimeUnit.SECONDS);
		String printed = Files.readString(this.output, StandardCharsets.UTF_8);
		assertThat(exited).as("php exited in time; output:%n%s", printed).isTrue();
		assertThat(this.process.exitValue()).as("php exit code; output:%n%s", printed).isZero();
		return printed;
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		Files.deleteIfExists(this.output);
	}

}
