package dev.gearman.spring.interop;

import dev.gearman.server.interop.ServerKind;
import dev.gearman.server.interop.TestJobServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A job server of one kind for the tests of a class: started before the first, stopped after the last. Register it
 * as a static {@code @RegisterExtension} field.
 */
final class ClassJobServer implements BeforeAllCallback, AfterAllCallback {

	private final ServerKind kind;

	private TestJobServer server;

	ClassJobServer(ServerKind kind) {
		this.kind = kind;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = this.kind.start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.server != null) {
			this.server.close();
		}
	}

	/** @return the port clients and workers use */
	int port() {
		return this.server.port();
	}

}
