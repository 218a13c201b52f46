package dev.gearman.spring.interop;

import dev.gearman.server.interop.ServerKind;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * PHP client → Debian's gearmand → our Spring Boot worker.
 */
class GearmandPhpInteropTests extends AbstractPhpInteropTests {

	@RegisterExtension
	static final ClassJobServer gearmand = new ClassJobServer(ServerKind.GEARMAND);

	@Override
	String[] serverProperties() {
		return new String[] { "gearman.servers=127.0.0.1:" + gearmand.port() };
	}

	@Override
	int serverPort(ConfigurableApplicationContext application) {
		return gearmand.port();
	}

}
