package dev.gearman.spring.boot.autoconfigure.store;

import javax.sql.DataSource;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.jdbc.JdbcJobStore;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;

/**
 * Makes background jobs durable with {@code gearman.server.store.type=jdbc}: a {@link JdbcJobStore} on the
 * application's {@link DataSource}, created after Flyway migrated the {@code gearman_queue} table (migrations in
 * {@code classpath:db/gearman/{vendor}}) and before the job server, which replays it before opening its port.
 */
@AutoConfiguration(before = GearmanServerAutoConfiguration.class,
		afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
				"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration" })
@ConditionalOnClass({ GearmanServer.class, JdbcJobStore.class, DependsOnDatabaseInitialization.class })
@ConditionalOnProperty(name = "gearman.server.store.type", havingValue = "jdbc")
@EnableConfigurationProperties(GearmanStoreProperties.class)
public final class GearmanJdbcStoreAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(JobStore.class)
	@DependsOnDatabaseInitialization
	JdbcJobStore gearmanJobStore(ObjectProvider<DataSource> dataSource, GearmanStoreProperties properties) {
		DataSource database = dataSource.getIfAvailable();
		if (database == null) {
			throw new IllegalStateException("gearman.server.store.type=jdbc needs a DataSource: add "
					+ "spring-boot-starter-jdbc and a JDBC driver and set spring.datasource.url");
		}
		return new JdbcJobStore(database, properties.toJdbcSettings());
	}

}
