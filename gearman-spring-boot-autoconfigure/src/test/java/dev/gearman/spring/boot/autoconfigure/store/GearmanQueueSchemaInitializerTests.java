package dev.gearman.spring.boot.autoconfigure.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.StoredJob;
import dev.gearman.server.store.jdbc.QueueSchema;
import dev.gearman.server.store.jdbc.QueueSchemaFixtures;
import dev.gearman.server.store.jdbc.TestDatabase;
import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.spring.boot.autoconfigure.GearmanAutoConfiguration;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static dev.gearman.server.store.jdbc.QueueSchemaFixtures.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code gearman_queue} table the auto-configuration makes, on each database the store runs on: on a fresh
 * database with no Flyway set up; beside the application's own Flyway migrations in {@code db/migration}, both
 * applied, each with its own history (ours must run after Boot's Flyway, which refuses a schema that has tables
 * but no history of its own); and on a database whose table the application's own Flyway made the old way, whose
 * stored job then runs.
 */
class GearmanQueueSchemaInitializerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				GearmanJdbcStoreAutoConfiguration.class, GearmanServerAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0", "gearman.server.store.type=jdbc");

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void freshDatabaseGetsTheQueueWithNoFlywaySetUp(TestDatabase database) {
		on(database, database.emptyDatabase()).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(GearmanQueueSchemaInitializer.class);
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(history(dataSource, QueueSchema.HISTORY_TABLE)).containsExactly("1 SQL gearman queue",
					QueueSchemaFixtures.VERSION_2, QueueSchemaFixtures.VERSION_3, QueueSchemaFixtures.VERSION_4);
			assertThat(context.getBean(JobStore.class).isAvailable()).isTrue();
			assertThat(context.getBean(GearmanServer.class).isRunning()).isTrue();
		});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void applicationsOwnFlywayMigrationsAndTheQueueAreBothApplied(TestDatabase database) {
		on(database, database.emptyDatabase()).withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
			.withUserConfiguration(QueueReaderConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource dataSource = context.getBean(DataSource.class);
				assertThat(history(dataSource, "flyway_schema_history")).containsExactly("1 SQL orders");
				assertThat(history(dataSource, QueueSchema.HISTORY_TABLE))
					.containsExactly("0 BASELINE tables other than gearman_queue", "1 SQL gearman queue",
							QueueSchemaFixtures.VERSION_2, QueueSchemaFixtures.VERSION_3, QueueSchemaFixtures.VERSION_4);
				assertThat(context.getBean(JobStore.class).isAvailable()).isTrue();
				// the application's bean is defined before any auto-configured one, yet finds the table made
				assertThat(context.getBean(QueueReader.class).rowsAtStartup()).isZero();
				// the order is declared, not an accident of the order in which beans happen to be created
				assertThat(context.getBeanFactory().getBeanDefinition("gearmanQueueSchemaInitializer").getDependsOn())
					.contains("flywayInitializer");
				assertThat(context.getBeanFactory().getBeanDefinition("gearmanJobStore").getDependsOn())
					.contains("gearmanQueueSchemaInitializer");
			});
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void queueMadeTheOldWayKeepsItsJobsWhichThenRun(TestDatabase database) {
		String url;
		try (HikariDataSource old = QueueSchemaFixtures.emptyDataSource(database)) {
			url = old.getJdbcUrl();
			QueueSchemaFixtures.migrateTheOldWay(old);
			QueueSchemaFixtures.storeJob(old, new StoredJob("upgrade", "before-upgrade", 1,
					"stored before the upgrade".getBytes(StandardCharsets.UTF_8), 0, 1));
		}
		on(database, url).withConfiguration(AutoConfigurations.of(GearmanAutoConfiguration.class))
			.withUserConfiguration(UpgradeWorkerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				await().atMost(Duration.ofSeconds(20))
					.untilAsserted(() -> assertThat(context.getBean(UpgradeWorker.class).received)
						.containsExactly("stored before the upgrade"));
				assertThat(history(context.getBean(DataSource.class), QueueSchema.HISTORY_TABLE))
					.containsExactly("1 BASELINE gearman_queue made before gearman_schema_history",
							QueueSchemaFixtures.VERSION_2, QueueSchemaFixtures.VERSION_3, QueueSchemaFixtures.VERSION_4);
			});
	}

	private ApplicationContextRunner on(TestDatabase database, String url) {
		return this.runner.withPropertyValues("spring.datasource.url=" + url,
				"spring.datasource.username=" + database.user(), "spring.datasource.password=" + database.password());
	}

	@Configuration(proxyBeanMethods = false)
	static class QueueReaderConfiguration {

		@Bean
		@DependsOnDatabaseInitialization
		QueueReader queueReader(DataSource dataSource) {
			return new QueueReader(QueueSchemaFixtures.countRows(dataSource, "gearman_queue"));
		}

	}

	/** An application bean that reads the queue table when it is created. */
	record QueueReader(long rowsAtStartup) {
	}

	@Configuration(proxyBeanMethods = false)
	static class UpgradeWorkerConfiguration {

		@Bean
		UpgradeWorker upgradeWorker() {
			return new UpgradeWorker();
		}

	}

	static class UpgradeWorker {

		final List<String> received = new CopyOnWriteArrayList<>();

		@GearmanFunction
		void upgrade(String payload) {
			this.received.add(payload);
		}

	}

}
