package dev.gearman.spring.store;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/**
 * The store contract on an embedded H2 file database, as the server app uses by default.
 */
class H2JdbcJobStoreTests extends JdbcJobStoreContractTests {

	@TempDir
	Path dir;

	@Override
	protected String url() {
		return "jdbc:h2:file:" + this.dir.resolve("gearman").toAbsolutePath() + ";WRITE_DELAY=0";
	}

	@Override
	protected String vendor() {
		return "h2";
	}

	@Override
	protected String user() {
		return "sa";
	}

	@Override
	protected String password() {
		return "";
	}

}
