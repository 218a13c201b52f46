package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.StoredJob;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Durable commits on a real PostgreSQL: the store's transactions commit synchronously even when the role turned
 * {@code synchronous_commit} off, and a commit that really hangs (it waits for a synchronous standby that never
 * comes) is answered with its outcome: success if it completes while the client waits, failure and no row if the
 * connection gave up on it first.
 */
class PostgresDurabilityTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static PostgresServer server;

	private HikariDataSource dataSource;

	private ControlledDataSource controlled;

	private final List<JdbcJobStore> stores = new ArrayList<>();

	@BeforeAll
	static void startPostgres() throws SQLException {
		server = PostgresServer.start();
		try (HikariDataSource migration = pool()) {
			Flyway.configure().dataSource(migration).locations("classpath:db/gearman/postgresql").load().migrate();
		}
		superuser("CREATE TABLE standby_probe (n int)");
	}

	@AfterAll
	static void stopPostgres() {
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void reset() throws SQLException {
		if (this.controlled != null) {
			this.controlled.releaseCommits();
		}
		superuser("ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()",
				"ALTER ROLE gearman RESET synchronous_commit");
		this.stores.forEach(JdbcJobStore::close);
		if (this.dataSource != null) {
			this.dataSource.close();
		}
		superuser("DELETE FROM gearman_queue");
	}

	@Test
	void theStoresTransactionsCommitSynchronouslyWhenTheRoleTurnedItOff() throws Exception {
		superuser("ALTER ROLE gearman SET synchronous_commit = off");
		this.dataSource = pool();
		assertThat(show(this.dataSource, "synchronous_commit")).as("the application's own sessions").isEqualTo("off");
		this.controlled = new ControlledDataSource(this.dataSource);
		List<String> seen = new CopyOnWriteArrayList<>();
		this.controlled.beforeCommit = (connection) -> seen.add(show(connection, "synchronous_commit"));
		ListAppender<ILoggingEvent> log = capture();
		JdbcJobStore store = store(this.controlled, new JdbcJobStoreSettings());
		add(store, job("sync", 1)).get(30, TimeUnit.SECONDS);
		store.remove("f", "sync", 1);
		await().atMost(WAIT).until(() -> count() == 0);
		assertThat(seen).as("synchronous_commit inside the store's transactions").hasSizeGreaterThanOrEqualTo(2)
			.containsOnly("on");
		assertThat(show(this.dataSource, "synchronous_commit")).as("after them").isEqualTo("off");
		// the test server runs with fsync=off: the store says what that means and starts all the same
		assertThat(log.list).anySatisfy((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.WARN);
			assertThat(event.getFormattedMessage()).contains("fsync=off");
		});
	}

	@Test
	void aCommitWaitingForAStandbyPastTheTimeoutIsAnsweredWhenItCompletes() throws Exception {
		this.dataSource = pool();
		JdbcJobStore store = store(this.dataSource, new JdbcJobStoreSettings().setWriters(1)
			.setTimeout(Duration.ofSeconds(2))
			.setRetryInterval(Duration.ofMillis(100)));
		awaitCommitsWaitForAStandby();
		CompletableFuture<Void> waiting = add(store, job("waiting", 1));
		await().atMost(WAIT).until(() -> !store.isAvailable());
		assertThat(waiting).as("the job whose commit waits for the standby").isNotDone();
		superuser("ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()");
		assertThat(waiting).succeedsWithin(WAIT);
		assertThat(replay(store)).extracting(StoredJob::unique).containsExactly("waiting");
	}

	@Test
	void aCommitStillWaitingWhenTheNetworkTimeoutExpiresFailsAndItsRowIsDeletedOnceDecided() throws Exception {
		this.dataSource = pool();
		JdbcJobStore store = store(this.dataSource, new JdbcJobStoreSettings().setWriters(1)
			.setTimeout(Duration.ofSeconds(1))
			.setRetryInterval(Duration.ofMillis(100)));
		awaitCommitsWaitForAStandby();
		CompletableFuture<Void> lost = add(store, job("lost", 1));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> lost.get(30, TimeUnit.SECONDS));
		// the server still waits for the standby, so its row cannot be seen, let alone deleted, yet: until that
		// commit is decided, this writer takes no job
		await().atMost(WAIT).until(store::isAvailable);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> add(store, job("other", 2)).get(30, TimeUnit.SECONDS))
			.withMessageContaining("undecided");
		superuser("ALTER SYSTEM RESET synchronous_standby_names", "SELECT pg_reload_conf()");
		await().atMost(WAIT).until(() -> waitingForAStandby() == 0);
		// decided: it committed, and the store deletes exactly that row
		await().atMost(WAIT).until(() -> count() == 0);
		add(store, job("lost", 3)).get(30, TimeUnit.SECONDS);
		assertThat(replay(store)).singleElement().satisfies((job) -> assertThat(job.sequence()).isEqualTo(3));
	}

	/**
	 * Makes every synchronous commit wait for a standby that does not exist, and waits until that is in force: the
	 * checkpointer takes the reloaded setting in a moment later. The probes' commits wait until the reset.
	 */
	private static void awaitCommitsWaitForAStandby() throws SQLException {
		// ALTER SYSTEM cannot run in a transaction block, and so not in one JDBC statement with the reload
		superuser("ALTER SYSTEM SET synchronous_standby_names = 'gearman_test_standby'", "SELECT pg_reload_conf()");
		await().atMost(WAIT).until(() -> {
			Connection connection = DriverManager.getConnection(url(), "postgres", "");
			try (Statement statement = connection.createStatement()) {
				connection.setAutoCommit(false);
				// only a transaction that wrote WAL waits for the standby
				statement.execute("INSERT INTO standby_probe VALUES (1)");
				connection.setNetworkTimeout(Runnable::run, 300);
				connection.commit();
				return false;
			}
			catch (SQLException timedOut) {
				return true;
			}
			finally {
				connection.close();
			}
		});
	}

	private static long waitingForAStandby() throws SQLException {
		try (Connection connection = DriverManager.getConnection(url(), "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement
					.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private JdbcJobStore store(ControlledDataSource database, JdbcJobStoreSettings settings) {
		return store(database.dataSource(), settings);
	}

	private JdbcJobStore store(javax.sql.DataSource database, JdbcJobStoreSettings settings) {
		JdbcJobStore store = new JdbcJobStore(database, settings);
		this.stores.add(store);
		return store;
	}

	private static ListAppender<ILoggingEvent> capture() {
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		((Logger) LoggerFactory.getLogger(QueueTransaction.class)).addAppender(appender);
		return appender;
	}

	private static StoredJob job(String unique, long sequence) {
		return JdbcJobStoreContractTests.job("f", unique, 1, JdbcJobStoreContractTests.bytes("d"), 0, sequence);
	}

	private static CompletableFuture<Void> add(JdbcJobStore store, StoredJob job) {
		return JdbcJobStoreContractTests.add(store, job);
	}

	private static List<StoredJob> replay(JdbcJobStore store) {
		return JdbcJobStoreContractTests.replay(store);
	}

	private long count() throws SQLException {
		try (Connection connection = DriverManager.getConnection(url(), "postgres", "");
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT count(*) FROM gearman_queue")) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private static String show(javax.sql.DataSource source, String setting) throws SQLException {
		try (Connection connection = source.getConnection()) {
			return show(connection, setting);
		}
	}

	private static String show(Connection connection, String setting) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SHOW " + setting)) {
			rows.next();
			return rows.getString(1);
		}
	}

	private static void superuser(String... statements) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url(), "postgres", "");
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private static String url() {
		return server.url();
	}

	private static HikariDataSource pool() {
		HikariDataSource source = new HikariDataSource();
		source.setJdbcUrl(url());
		source.setUsername("gearman");
		source.setPassword("gearman");
		source.setMaximumPoolSize(4);
		source.setConnectionTimeout(5000);
		return source;
	}

}
