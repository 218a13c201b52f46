package dev.gearman.server.app;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Gives the server a database when none is configured, so that {@code java -jar} keeps jobs across restarts with
 * no setup: with {@code gearman.server.store.type=jdbc} and no {@code spring.datasource.url}, an embedded H2 file
 * database {@code ${gearman.server.data-dir}/gearman.mv.db}. With the memory store an unused in-memory H2 stands in,
 * so nothing is written to disk.
 * <p>
 * The path is made absolute here because H2 refuses URLs relative to the working directory.
 */
public class DataDirectoryEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String DATA_DIR_PROPERTY = "gearman.server.data-dir";

	private static final String SOURCE_NAME = "gearmanDataDirectory";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (StringUtils.hasText(environment.getProperty("spring.datasource.url"))) {
			return;
		}
		Map<String, Object> defaults = new HashMap<>();
		String type = environment.getProperty("gearman.server.store.type", "memory");
		if ("jdbc".equalsIgnoreCase(type.trim())) {
			Path dir = Path.of(environment.getProperty(DATA_DIR_PROPERTY, "data")).toAbsolutePath().normalize();
			// WRITE_DELAY=0: a commit reaches the file before JOB_CREATED, so kill -9 loses no acknowledged job (the
			// store sets it too, for a URL the user wrote without it);
			// DB_CLOSE_ON_EXIT=FALSE: the context, not H2's shutdown hook, closes the database after the last write
			defaults.put("spring.datasource.url",
					"jdbc:h2:file:" + dir.resolve("gearman") + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE");
		}
		else {
			defaults.put("spring.datasource.url", "jdbc:h2:mem:gearman;DB_CLOSE_DELAY=-1");
		}
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
