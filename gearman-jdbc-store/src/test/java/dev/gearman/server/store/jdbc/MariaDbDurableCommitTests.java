package dev.gearman.server.store.jdbc;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A MariaDB server that writes its log to disk about once a second ({@code innodb_flush_log_at_trx_commit=2}, lost
 * on a crash of its machine) is refused: the setting is global to the server, so the store cannot fix it for its own
 * commits only. The refusal names the setting and the property that accepts the loss.
 */
class MariaDbDurableCommitTests {

	private static MariaDbServer server;

	private HikariDataSource dataSource;

	@BeforeAll
	static void startMariaDb() {
		server = MariaDbServer.start(List.of("--innodb-flush-log-at-trx-commit=2"));
	}

	@AfterAll
	static void stopMariaDb() {
		if (server != null) {
			server.close();
		}
	}

	@BeforeEach
	void connect() {
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(server.url());
		this.dataSource.setUsername("gearman");
		this.dataSource.setPassword("gearman");
		this.dataSource.setMaximumPoolSize(4);
	}

	@AfterEach
	void close() {
		this.dataSource.close();
	}

	@Test
	void aServerThatFlushesItsLogOnceASecondIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new JdbcJobStore(this.dataSource, new JdbcJobStoreSettings()))
			.withMessageContaining("innodb_flush_log_at_trx_commit=2")
			.withMessageContaining("gearman.server.store.require-durable-commits=false");
	}

	@Test
	void anOperatorWhoAcceptsTheLossGetsAStore() {
		JdbcJobStore store = new JdbcJobStore(this.dataSource,
				new JdbcJobStoreSettings().setRequireDurableCommits(false));
		try {
			assertThat(store.isAvailable()).isTrue();
		}
		finally {
			store.close();
		}
	}

}
