package dev.gearman.samples.reverse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.gearman.spring.core.GearmanTemplate;
import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the sample end to end on an embedded server: our template, the typed client and the {@code gearman} CLI
 * from Debian's gearman-tools call the {@code reverse} worker; the worker's reason for failing reaches the caller.
 */
@SpringBootTest
@EmbeddedGearmanServer
class ReverseSampleTests {

	@Autowired
	private GearmanTemplate gearman;

	@Autowired
	private ReverseClient client;

	@Value("${local.gearman.port}")
	private int port;

	@Test
	void templateCallShouldReverse() {
		assertThat(this.gearman.call("reverse", "Hello World!")).isEqualTo("!dlroW olleH");
	}

	@Test
	void typedClientShouldReverseAndReportTheWorkersReason() {
		assertThat(this.client.reverse("Hello World!")).isEqualTo("!dlroW olleH");
		assertThat(this.client.reverse("  ")).isEqualTo("not reversed: nothing to reverse");
	}

	@Test
	void gearmanCliShouldReverse() throws IOException, InterruptedException {
		Process cli = new ProcessBuilder("gearman", "-h", "127.0.0.1", "-p", Integer.toString(this.port), "-f",
				"reverse", "Hello World!").redirectErrorStream(true).start();
		try {
			assertThat(cli.waitFor(20, TimeUnit.SECONDS)).as("gearman CLI (Debian package gearman-tools) finished")
				.isTrue();
			String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(output.trim()).isEqualTo("!dlroW olleH");
		}
		finally {
			cli.destroyForcibly();
		}
	}

}
