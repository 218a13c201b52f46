package dev.gearman.spring.interop;

import dev.gearman.server.interop.ServerKind;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web application with Debian's gearmand in between.
 */
class GearmandStarterInteropTests extends AbstractStarterInteropTests {

	@RegisterExtension
	static final ClassJobServer gearmand = new ClassJobServer(ServerKind.GEARMAND);

	@Override
	String[] serverProperties() {
		return new String[] { "gearman.servers=127.0.0.1:" + gearmand.port() };
	}

	@Override
	boolean failsFastWithoutWorker() {
		return false;
	}

}
