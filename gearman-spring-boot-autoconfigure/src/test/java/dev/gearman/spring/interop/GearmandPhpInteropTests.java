package dev.gearman.spring.interop;

import dev.gearman.server.interop.ServerKind;
import dev.gearman.server.interop.TestJobServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * PHP client → Debian's gearmand → our Spring Boot worker.
 */
class GearmandPhpInteropTests extends AbstractPhpInteropTests {

	private static TestJobServer gearmand;

	@BeforeAll
	static void startGearmand() {
		gearmand = ServerKind.GEARMAND.start();
	}

	@AfterAll
	static void stopGearmand() {
		if (gearmand != null) {
			gearmand.close();
		}
	}

	@Override
	String[] serverProperties() {
		return new String[] { "gearman.servers=127.0.0.1:" + gearmand.port() };
	}

	@Override
	int serverPort(ConfigurableApplicationContext application) {
		return gearmand.port();
	}

}
