package dev.gearman.samples.crosslanguage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import dev.gearman.spring.test.EmbeddedGearmanServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the PHP scripts of the sample with php-cli and the gearman extension (Debian packages php-cli and
 * php-gearman, installed by scripts/test-all.sh) against the sample on an embedded server.
 */
@SpringBootTest
@EmbeddedGearmanServer
class CrossLanguageSampleTests {

	@Value("${local.gearman.port}")
	private String port;

	@Autowired
	private Md5Client md5Client;

	@BeforeAll
	static void phpWithGearman() throws Exception {
		try (PhpScript check = PhpScript.start("src/test/php/requirements.php")) {
			check.awaitSuccess();
		}
	}

	@Test
	void phpClientShouldCallTheJavaWorker() throws Exception {
		try (PhpScript client = PhpScript.start("src/main/php/client.php", "127.0.0.1", this.port, "Zoë")) {
			assertThat(client.awaitSuccess())
				.isEqualTo("Hello, Zoë, from Java " + Runtime.version().feature() + "\n");
		}
	}

	@Test
	void javaClientShouldCallThePhpWorker() throws Exception {
		try (PhpScript worker = PhpScript.start("src/main/php/worker.php", "127.0.0.1", this.port, "2")) {
			for (String text : new String[] { "Hello World!", "Grüße, 世界" }) {
				assertThat(this.md5Client.md5(text)).isEqualTo(md5(text));
			}
			assertThat(worker.awaitSuccess()).startsWith("PHP worker serving md5 on 127.0.0.1:" + this.port);
		}
	}

	private static String md5(String text) throws Exception {
		byte[] digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
		return HexFormat.of().formatHex(digest);
	}

}
