package dev.gearman.spring.interop;

import dev.gearman.server.GearmanServer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * PHP client → the job server embedded in the Spring Boot application ({@code gearman.server.enabled=true}) →
 * the same application's worker.
 */
class EmbeddedServerPhpInteropTests extends AbstractPhpInteropTests {

	@Override
	String[] serverProperties() {
		return new String[] { "gearman.server.enabled=true", "gearman.server.port=0" };
	}

	@Override
	int serverPort(ConfigurableApplicationContext application) {
		int port = application.getEnvironment().getRequiredProperty("local.gearman.port", Integer.class);
		if (port != application.getBean(GearmanServer.class).port()) {
			throw new IllegalStateException("local.gearman.port " + port + " is not the embedded server's port");
		}
		return port;
	}

}
