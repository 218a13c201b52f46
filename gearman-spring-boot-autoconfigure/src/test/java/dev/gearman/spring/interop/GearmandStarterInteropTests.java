package dev.gearman.spring.interop;

import dev.gearman.server.interop.ServerKind;
import dev.gearman.server.interop.TestJobServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The web application with Debian's gearmand in between.
 */
class GearmandStarterInteropTests extends AbstractStarterInteropTests {

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
	boolean failsFastWithoutWorker() {
		return false;
	}

}
