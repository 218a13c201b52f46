package dev.gearman.spring.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on a real PostgreSQL server started for this class.
 */
class PostgresJdbcJobStoreTests extends JdbcJobStoreContractTests {

	private static PostgresServer server;

	@BeforeAll
	static void startPostgres() {
		server = PostgresServer.start();
	}

	@AfterAll
	static void stopPostgres() {
		if (server != null) {
			server.close();
		}
	}

	@Override
	protected String url() {
		return server.url();
	}

	@Override
	protected String vendor() {
		return "postgresql";
	}

}
