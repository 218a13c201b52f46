package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Several servers sharing one real PostgreSQL server (started once for the test JVM), and what only PostgreSQL
 * needs: a server cut off in the middle of a transaction must not keep its row locks for ever.
 */
class PostgresSharedJobStoreTests extends SharedJobStoreContractTests {

	@Override
	protected String url() {
		return TestDatabase.POSTGRESQL.emptyDatabase();
	}

	@Test
	void aTransactionWhoseServerWentSilentIsAbortedAndItsLocksReleased() throws SQLException {
		String url = TestDatabase.POSTGRESQL.emptyDatabase();
		try (Connection silent = DriverManager.getConnection(url, "gearman", "gearman");
				Connection other = DriverManager.getConnection(url, "gearman", "gearman");
				Statement setup = other.createStatement()) {
			setup.execute("CREATE TABLE locked (id INTEGER PRIMARY KEY)");
			setup.execute("INSERT INTO locked VALUES (1)");
			silent.setAutoCommit(false);
			try (Statement statement = silent.createStatement()) {
				// what the store's transactions and claims begin with, then a row lock, then silence (a frozen link)
				statement.execute("SELECT " + QueueTransaction.abandonWhenIdle(1000));
				statement.execute("SELECT id FROM locked WHERE id = 1 FOR UPDATE");
			}
			other.setAutoCommit(false);
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
				try (Statement statement = other.createStatement()) {
					statement.execute("SELECT id FROM locked WHERE id = 1 FOR UPDATE NOWAIT");
					return true;
				}
				catch (SQLException ex) {
					// still locked (55P03): the transaction is still open
					other.rollback();
					return false;
				}
			});
			assertThatExceptionOfType(SQLException.class).as("the silent server's session was ended")
				.isThrownBy(() -> silent.createStatement().execute("SELECT 1"));
			assertThat(silent.isValid(1)).isFalse();
		}
	}

}
