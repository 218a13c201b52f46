package dev.gearman.server.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The store makes H2's commits durable whatever the URL says: a plain {@code jdbc:h2:file:} URL (H2 then writes
 * commits up to 500 ms late, and kill -9 lost acknowledged jobs) gets {@code WRITE_DELAY} 0, and a user who may not
 * change it gets a refusal that names the fix.
 */
class H2DurableCommitTests {

	@TempDir
	Path dir;

	private HikariDataSource admin;

	private HikariDataSource dataSource;

	private JdbcJobStore store;

	@AfterEach
	void close() {
		if (this.store != null) {
			this.store.close();
		}
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		if (this.admin != null) {
			this.admin.close();
		}
	}

	@Test
	void theStoreSetsWriteDelayToZeroOnAUrlWithoutIt() throws SQLException {
		this.dataSource = connect("sa", "");
		assertThat(writeDelay(this.dataSource)).as("H2's default").isEqualTo("500");
		this.store = new JdbcJobStore(this.dataSource, new JdbcJobStoreSettings());
		assertThat(writeDelay(this.dataSource)).isEqualTo("0");
	}

	@Test
	void aUserWithoutAdminRightsIsRefusedWithTheFix() throws SQLException {
		this.dataSource = userWithoutAdminRights();
		assertThatIllegalStateException()
			.isThrownBy(() -> new JdbcJobStore(this.dataSource, new JdbcJobStoreSettings()))
			.withMessageContaining("WRITE_DELAY")
			.withMessageContaining("admin rights")
			.withMessageContaining("gearman.server.store.require-durable-commits=false");
	}

	@Test
	void aUserWhoAcceptsTheLossGetsAStoreAndTheSettingStays() throws SQLException {
		this.dataSource = userWithoutAdminRights();
		this.store = new JdbcJobStore(this.dataSource, new JdbcJobStoreSettings().setRequireDurableCommits(false));
		assertThat(writeDelay(this.dataSource)).isEqualTo("500");
	}

	@Test
	void aDatabaseAlreadyWithoutWriteDelayNeedsNoAdminRights() throws SQLException {
		this.dataSource = userWithoutAdminRights();
		try (Connection connection = this.admin.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SET WRITE_DELAY 0");
		}
		this.store = new JdbcJobStore(this.dataSource, new JdbcJobStoreSettings());
		assertThat(writeDelay(this.dataSource)).isEqualTo("0");
	}

	private HikariDataSource userWithoutAdminRights() throws SQLException {
		// the admin keeps the database open, so that a setting changed by one connection is seen by the others
		this.admin = connect("sa", "");
		try (Connection connection = this.admin.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE USER app PASSWORD 'app'");
		}
		return connect("app", "app");
	}

	private HikariDataSource connect(String user, String password) {
		HikariDataSource source = new HikariDataSource();
		source.setJdbcUrl("jdbc:h2:file:" + this.dir.resolve("gearman").toAbsolutePath());
		source.setUsername(user);
		source.setPassword(password);
		source.setMaximumPoolSize(4);
		return source;
	}

	private static String writeDelay(HikariDataSource source) throws SQLException {
		try (Connection connection = source.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
			rows.next();
			return rows.getString(1);
		}
	}

}
