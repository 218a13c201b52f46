package dev.gearman.spring.boot.autoconfigure.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.jdbc.JdbcJobStore;
import dev.gearman.server.store.jdbc.JdbcJobStoreSettings;
import dev.gearman.server.store.jdbc.QueueSchema;
import dev.gearman.server.store.jdbc.QueueSchemaFixtures;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which store the job server gets: memory unless {@code gearman.server.store.type=jdbc}, then a
 * {@link JdbcJobStore} on the application's DataSource (its table made by the auto-configuration unless
 * {@code gearman.server.store.initialize-schema=false}), and a clear failure without a DataSource or without the
 * store's module. {@link GearmanQueueSchemaInitializerTests} covers the table on each database.
 */
class GearmanJdbcStoreAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				GearmanJdbcStoreAutoConfiguration.class, GearmanServerAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"spring.datasource.url=jdbc:h2:mem:autoconfig;DB_CLOSE_DELAY=-1");

	@Test
	void memoryIsTheDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GearmanServer.class);
			assertThat(context).doesNotHaveBean(JobStore.class);
		});
	}

	@Test
	void jdbcTypeGivesADurableStoreOnTheDataSource() {
		this.runner
			.withPropertyValues("gearman.server.store.type=jdbc", "gearman.server.store.timeout=3s",
					"spring.datasource.url=jdbc:h2:mem:autoconfig-jdbc;DB_CLOSE_DELAY=-1")
			.run((context) -> {
				assertThat(context).hasSingleBean(JdbcJobStore.class);
				assertThat(context.getBean(JobStore.class).isDurable()).isTrue();
				assertThat(context.getBean(GearmanServer.class).isRunning()).isTrue();
			});
	}

	@Test
	void schemaInitializationCanBeLeftToTheApplication() {
		this.runner
			.withPropertyValues("gearman.server.store.type=jdbc", "gearman.server.store.initialize-schema=false",
					"spring.datasource.url=" + databaseWith("autoconfig-own-schema", "V1__gearman_queue.sql",
							"V2__retries_dead_letters_history.sql", "V3__shared_queue.sql", "V4__paused_functions.sql"))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(GearmanQueueSchemaInitializer.class);
				assertThat(context.getBean(JobStore.class).isAvailable()).isTrue();
				assertThat(QueueSchemaFixtures.countRows(context.getBean(DataSource.class), "gearman_queue")).isZero();
				try (Connection connection = context.getBean(DataSource.class).getConnection();
						ResultSet tables = connection.getMetaData().getTables(null, null, "%", null)) {
					List<String> names = new ArrayList<>();
					while (tables.next()) {
						names.add(tables.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
					}
					assertThat(names).contains("gearman_queue").doesNotContain(QueueSchema.HISTORY_TABLE);
				}
			});
	}

	@Test
	void jdbcTypeWithoutADataSourceFailsWithAHint() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GearmanJdbcStoreAutoConfiguration.class,
					GearmanServerAutoConfiguration.class))
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.server.store.type=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("needs a DataSource"));
	}

	@Test
	void jdbcTypeWithoutTheStoreModuleFailsWithAHint() {
		this.runner.withClassLoader(new FilteredClassLoader(JdbcJobStore.class))
			.withPropertyValues("gearman.server.store.type=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("gearman.server.store.type")
				.hasMessageContaining("dev.gearman:gearman-jdbc-store"));
	}

	@Test
	void invalidStoreSettingsAreRefused() {
		this.runner.withPropertyValues("gearman.server.store.type=jdbc", "gearman.server.store.max-batch-size=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("maxBatchSize"));
	}

	@Test
	void writerCountIsBoundAndChecked() {
		this.runner
			.withPropertyValues("gearman.server.store.type=jdbc", "gearman.server.store.writers=3",
					"spring.datasource.url=jdbc:h2:mem:autoconfig-writers;DB_CLOSE_DELAY=-1")
			.run((context) -> {
				assertThat(context.getBean(GearmanStoreProperties.class).toJdbcSettings().getWriters()).isEqualTo(3);
				assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
					.contains("gearman-store-writer-1", "gearman-store-writer-2", "gearman-store-writer-3");
			});
		this.runner.withPropertyValues("gearman.server.store.type=jdbc", "gearman.server.store.writers=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("writers must be between 1 and 64"));
	}

	@Test
	void durableCommitsAreRequiredUnlessTurnedOff() {
		this.runner.withPropertyValues("gearman.server.store.type=jdbc", storedUrl("autoconfig-durable"))
			.run((context) -> assertThat(
					context.getBean(GearmanStoreProperties.class).toJdbcSettings().isRequireDurableCommits())
				.isTrue());
		this.runner
			.withPropertyValues("gearman.server.store.type=jdbc", storedUrl("autoconfig-relaxed"),
					"gearman.server.store.require-durable-commits=false")
			.run((context) -> assertThat(
					context.getBean(GearmanStoreProperties.class).toJdbcSettings().isRequireDurableCommits())
				.isFalse());
	}

	@Test
	void clusterSettingsAreBoundAndTheServerRegistersUnderItsName() {
		this.runner
			.withPropertyValues("gearman.server.store.type=jdbc", "gearman.server.store.cluster.lease=7s",
					"gearman.server.store.cluster.heartbeat-interval=2s",
					"spring.datasource.url=jdbc:h2:mem:autoconfig-cluster;DB_CLOSE_DELAY=-1")
			.run((context) -> {
				GearmanStoreProperties properties = context.getBean(GearmanStoreProperties.class);
				assertThat(properties.toJdbcSettings().getLease()).isEqualTo(Duration.ofSeconds(7));
				assertThat(properties.toJdbcSettings().getHeartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
				// port 0: the host name alone
				assertThat(context.getBean(JobStore.class).instances()).singleElement()
					.satisfies((instance) -> assertThat(instance.name())
						.isEqualTo(new JdbcJobStoreSettings().getInstanceName()));
			});
		this.runner
			.withPropertyValues("gearman.server.store.type=jdbc", "gearman.server.store.cluster.name=gearman-a",
					"spring.datasource.url=jdbc:h2:mem:autoconfig-cluster-name;DB_CLOSE_DELAY=-1")
			.run((context) -> assertThat(context.getBean(JobStore.class).instances()).singleElement()
				.satisfies((instance) -> assertThat(instance.name()).isEqualTo("gearman-a")));
		this.runner
			.withPropertyValues("gearman.server.store.type=jdbc", "gearman.server.store.cluster.lease=2s",
					"spring.datasource.url=jdbc:h2:mem:autoconfig-cluster-lease;DB_CLOSE_DELAY=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageStartingWith("lease: 2000 ms (expected: at least three heartbeat intervals"));
	}

	/** A database the store migrates itself (a script run on every new connection stops its second one). */
	private static String storedUrl(String name) {
		return "spring.datasource.url=jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
	}

	/**
	 * An H2 database in memory with the tables some of the store's migrations make, run once as an application
	 * that manages them itself would (an INIT script in the URL runs on every connection, and fails on the second).
	 */
	private static String databaseWith(String name, String... migrations) {
		String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
		try (Connection connection = DriverManager.getConnection(url, "sa", "");
				Statement statement = connection.createStatement()) {
			for (String migration : migrations) {
				statement.execute("RUNSCRIPT FROM 'classpath:db/gearman/h2/" + migration + "'");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return url;
	}

}
