package dev.gearman.server.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on an embedded H2 file database, as the server app uses by default.
 */
class H2JdbcJobStoreTests extends JdbcFailedJobContractTests {

	@TempDir
	Path dir;

	@Override
	protected String url() {
		return "jdbc:h2:file:" + this.dir.resolve("gearman").toAbsolutePath() + ";WRITE_DELAY=0";
	}

	@Override
	protected String user() {
		return "sa";
	}

	@Override
	protected String password() {
		return "";
	}

	@Test
	void aDeleteLooksItsRowUpThroughTheWholePrimaryKey() throws SQLException {
		// with "unique_key IN (...)" H2 used the key's first column only and tested the list on every row of the
		// function, which made deletes cost more the longer the queue
		String plan;
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement explain = connection.prepareStatement("EXPLAIN " + QueueTable.DELETE)) {
			explain.setString(1, "f");
			explain.setString(2, "u");
			try (ResultSet rows = explain.executeQuery()) {
				rows.next();
				plan = rows.getString(1);
			}
		}
		// the index condition H2 prints in the comment must hold both key columns
		assertThat(plan).containsPattern("(?is)/\\*[^*]*FUNCTION_NAME = \\?1\\s+AND UNIQUE_KEY = \\?2[^*]*\\*/");
	}

}
