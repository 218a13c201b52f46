package dev.gearman.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs read ({@code META-INF/spring-configuration-metadata.json}, generated from the
 * properties classes and merged with {@code additional-spring-configuration-metadata.json}): every property has a
 * description in Boot's style, and the ones with a default show it.
 */
class GearmanConfigurationMetadataTests {

	private static final Map<String, JsonNode> properties = new LinkedHashMap<>();

	@BeforeAll
	static void readMetadata() throws IOException {
		JsonMapper mapper = JsonMapper.builder().build();
		Enumeration<URL> resources = GearmanConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (resources.hasMoreElements()) {
			try (InputStream in = resources.nextElement().openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					String name = property.path("name").asString();
					if (name.startsWith("gearman.") || name.equals("management.health.gearman.enabled")) {
						properties.put(name, property);
					}
				}
			}
		}
		assertThat(properties).as("gearman properties in the metadata").isNotEmpty();
	}

	@Test
	void keyPropertiesShouldHaveDescriptionAndDefault() {
		Map<String, String> defaults = new LinkedHashMap<>();
		defaults.put("gearman.servers", "[\"127.0.0.1:4730\"]");
		defaults.put("gearman.charset", "\"UTF-8\"");
		defaults.put("gearman.connect-timeout", "\"5s\"");
		defaults.put("gearman.client.timeout", "\"30s\"");
		defaults.put("gearman.worker.enabled", "true");
		defaults.put("gearman.worker.concurrency", "4");
		defaults.put("gearman.worker.shutdown-timeout", "\"30s\"");
		defaults.put("gearman.worker.observation-enabled", "false");
		defaults.put("gearman.client.fail-if-no-worker", "false");
		defaults.put("gearman.client.observation-enabled", "false");
		defaults.put("gearman.client.propagate-trace-context", "true");
		defaults.put("gearman.web.problem-details.enabled", "false");
		defaults.put("gearman.server.enabled", "false");
		defaults.put("gearman.server.address", "\"127.0.0.1\"");
		defaults.put("gearman.server.port", "4730");
		defaults.put("gearman.server.max-packet-size", "\"64MB\"");
		defaults.put("gearman.server.store.type", "\"memory\"");
		defaults.put("gearman.server.store.initialize-schema", "true");
		defaults.put("gearman.server.store.cluster.lease", "\"5s\"");
		defaults.put("gearman.server.store.cluster.heartbeat-interval", "\"1s\"");
		defaults.put("management.health.gearman.enabled", "true");
		defaults.forEach((name, value) -> {
			JsonNode property = properties.get(name);
			assertThat(property).as(name).isNotNull();
			assertThat(property.path("description").asString()).as("description of %s", name).isNotBlank();
			assertThat(property.path("defaultValue").toString()).as("default of %s", name).isEqualTo(value);
		});
	}

	@Test
	void everyPropertyShouldHaveADescriptionInBootStyle() {
		assertThat(properties).containsKeys("gearman.client.id", "gearman.worker.id", "gearman.server.handle-prefix",
				"gearman.server.store.cluster.name");
		properties.forEach((name, property) -> {
			String description = property.path("description").asString();
			assertThat(description).as("description of %s", name).isNotBlank().doesNotStartWith("The ")
				.doesNotStartWith("A ").endsWith(".");
			if ("java.lang.Boolean".equals(property.path("type").asString())) {
				assertThat(description).as("description of boolean %s", name).startsWith("Whether");
			}
		});
	}

}
