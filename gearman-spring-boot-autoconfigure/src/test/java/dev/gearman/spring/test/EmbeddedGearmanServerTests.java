package dev.gearman.spring.test;

import dev.gearman.client.GearmanClient;
import dev.gearman.connection.ServerAddress;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.core.GearmanTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EmbeddedGearmanServer} on a {@code @SpringBootTest} whose configuration file lists production job
 * servers: the test still runs against the embedded server on a free port.
 */
@SpringBootTest(properties = "spring.config.name=embedded-server-test")
@EmbeddedGearmanServer
class EmbeddedGearmanServerTests {

	@Autowired
	private GearmanTemplate gearman;

	@Autowired
	private GearmanClient client;

	@Value("${local.gearman.port}")
	private int port;

	@Value("${gearman.servers}")
	private String configuredServers;

	@Test
	void applicationShouldUseTheEmbeddedServerDespiteConfiguredServers() {
		assertThat(this.configuredServers).isEmpty();
		assertThat(this.port).isPositive().isNotEqualTo(4730);
		assertThat(this.client.servers()).containsExactly(new ServerAddress("127.0.0.1", this.port));
		assertThat(this.gearman.call("shout", "hello")).isEqualTo("HELLO!");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Shouter shouter() {
			return new Shouter();
		}

	}

	static class Shouter {

		@GearmanFunction
		String shout(String text) {
			return text.toUpperCase() + "!";
		}

	}

}
