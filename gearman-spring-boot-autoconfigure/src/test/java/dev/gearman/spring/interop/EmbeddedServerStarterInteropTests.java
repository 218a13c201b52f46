package dev.gearman.spring.interop;

/**
 * The web application with the embedded job server.
 */
class EmbeddedServerStarterInteropTests extends AbstractStarterInteropTests {

	@Override
	String[] serverProperties() {
		return new String[] { "gearman.server.enabled=true", "gearman.server.port=0" };
	}

	@Override
	boolean failsFastWithoutWorker() {
		return true;
	}

}
