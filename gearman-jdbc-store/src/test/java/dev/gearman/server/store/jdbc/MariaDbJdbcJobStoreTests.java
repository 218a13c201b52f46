package dev.gearman.server.store.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on a real MariaDB server started for this class.
 */
class MariaDbJdbcJobStoreTests extends JdbcFailedJobContractTests {

	private static MariaDbServer server;

	@BeforeAll
	static void startMariaDb() {
		server = MariaDbServer.start();
	}

	@AfterAll
	static void stopMariaDb() {
		if (server != null) {
			server.close();
		}
	}

	@Override
	protected String url() {
		return server.url();
	}

}
