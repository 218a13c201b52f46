package dev.gearman.spring.boot.autoconfigure.store;

import javax.sql.DataSource;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.store.JobStore;
import dev.gearman.protocol.GearmanConstants;
import dev.gearman.server.store.jdbc.JdbcJobStore;
import dev.gearman.server.store.jdbc.JdbcJobStoreSettings;
import dev.gearman.server.store.jdbc.QueueSchema;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * Makes background jobs durable with {@code gearman.server.store.type=jdbc}: a {@link JdbcJobStore} on the
 * application's {@link DataSource}, created before the job server, which replays it before opening its port.
 * <p>
 * Its {@code gearman_queue} table is created and migrated first by a {@link GearmanQueueSchemaInitializer}
 * ({@link QueueSchema}, with a Flyway history table of its own), after the application's own Flyway or Liquibase
 * migrations and SQL scripts; nothing needs to be added to {@code spring.flyway.locations}. Set
 * {@code gearman.server.store.initialize-schema=false} when the table is managed elsewhere.
 * <p>
 * On PostgreSQL and MySQL/MariaDB several servers may share the database: each registers under its
 * {@code gearman.server.store.cluster.name} and takes over the jobs of servers whose lease ran out
 * ({@code gearman.server.store.cluster.*}).
 */
@AutoConfiguration(before = GearmanServerAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
				"org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration" })
@ConditionalOnClass({ GearmanServer.class, JdbcJobStore.class, DependsOnDatabaseInitialization.class })
@ConditionalOnProperty(name = "gearman.server.store.type", havingValue = "jdbc")
@EnableConfigurationProperties(GearmanStoreProperties.class)
@Import(DatabaseInitializationDependencyConfigurer.class)
public final class GearmanJdbcStoreAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "gearman.server.store.initialize-schema", matchIfMissing = true)
	GearmanQueueSchemaInitializer gearmanQueueSchemaInitializer(ObjectProvider<DataSource> dataSource) {
		return new GearmanQueueSchemaInitializer(requireDataSource(dataSource));
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(JobStore.class)
	@DependsOnDatabaseInitialization
	JdbcJobStore gearmanJobStore(ObjectProvider<DataSource> dataSource, GearmanStoreProperties properties,
			Environment environment) {
		JdbcJobStoreSettings settings = properties.toJdbcSettings();
		String name = properties.getCluster().getName();
		settings.setInstanceName((name != null) ? name : defaultInstanceName(settings, environment));
		return new JdbcJobStore(requireDataSource(dataSource), settings);
	}

	/** The host name and the configured port: which server it is, for whoever reads the instances table. */
	private static String defaultInstanceName(JdbcJobStoreSettings settings, Environment environment) {
		int port = environment.getProperty("gearman.server.port", Integer.class, GearmanConstants.DEFAULT_PORT);
		return (port > 0) ? settings.getInstanceName() + ":" + port : settings.getInstanceName();
	}

	private static DataSource requireDataSource(ObjectProvider<DataSource> dataSource) {
		DataSource database = dataSource.getIfAvailable();
		if (database == null) {
			throw new IllegalStateException("gearman.server.store.type=jdbc needs a DataSource: add "
					+ "spring-boot-starter-jdbc and a JDBC driver and set spring.datasource.url");
		}
		return database;
	}

}
