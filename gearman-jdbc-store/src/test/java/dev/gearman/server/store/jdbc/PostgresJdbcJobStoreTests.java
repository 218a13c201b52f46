package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The store contract on a real PostgreSQL server started for this class, and what only PostgreSQL's planner needs.
 */
class PostgresJdbcJobStoreTests extends JdbcFailedJobContractTests {

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

	@Test
	void deletesKeepUsingTheKeyIndexAfterTheQueueWasAnalyzedEmpty() throws SQLException {
		// autovacuum analyzes an idle queue as empty; a plan made then and cached (pgjdbc prepares a statement on
		// the server after 5 uses, PostgreSQL keeps a generic plan after 5 more) scanned the whole table for every
		// delete once a burst filled it: deletes cost more the longer the queue, 4,000 instead of 24,000 jobs/s
		execute("VACUUM ANALYZE gearman_queue");
		JdbcJobStore store = store(new JdbcJobStoreSettings().setWriters(1));
		for (int i = 0; i < 20; i++) {
			awaitSuccess(add(store, job("f", "warm-" + i, 1, bytes("d"), 0, i)));
			store.remove("f", "warm-" + i, i);
			awaitRowsByIndex(0);
		}
		int burst = 2000;
		List<CompletableFuture<Void>> added = new ArrayList<>();
		for (int i = 0; i < burst; i++) {
			added.add(add(store, job("f", "burst-" + i, 1, bytes("d"), 0, 100 + i)));
		}
		added.forEach(this::awaitSuccess);
		long[] before = awaitSettledScans();
		for (int i = 0; i < burst; i++) {
			store.remove("f", "burst-" + i, 100 + i);
		}
		awaitRowsByIndex(0);
		// the counters reach the statistics a little after the transactions that made them
		long[] after = await().atMost(Duration.ofSeconds(30))
			.until(this::scans, (scans) -> scans[0] + scans[1] - before[0] - before[1] >= burst);
		assertThat(after[0] - before[0]).as("sequential scans of gearman_queue during %d deletes", burst).isZero();
	}

	/** Sequential and index scans of gearman_queue so far, once two readings a second apart agree. */
	private long[] awaitSettledScans() {
		long[][] last = { scans() };
		return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
			long[] previous = last[0];
			last[0] = scans();
			return (previous[0] == last[0][0] && previous[1] == last[0][1]) ? last[0] : null;
		}, (scans) -> scans != null);
	}

	private long[] scans() {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT seq_scan, coalesce(idx_scan, 0)"
						+ " FROM pg_stat_user_tables WHERE relname = 'gearman_queue'")) {
			rows.next();
			return new long[] { rows.getLong(1), rows.getLong(2) };
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Waits for the row count without scanning the table itself, which would count as a sequential scan. */
	private void awaitRowsByIndex(long expected) {
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			try (Connection connection = this.dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				connection.setAutoCommit(false);
				statement.execute("SET LOCAL enable_seqscan = off");
				try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM gearman_queue")) {
					rows.next();
					long count = rows.getLong(1);
					connection.commit();
					return count == expected;
				}
			}
		});
	}

	private void execute(String sql) throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

}
