package dev.gearman.spring.boot.autoconfigure.store;

import javax.sql.DataSource;

import dev.gearman.server.store.jdbc.QueueSchema;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.util.Assert;

/**
 * Creates and migrates the job store's {@code gearman_queue} table when the application starts, with
 * {@link QueueSchema}: its own migrations and its own Flyway history table
 * ({@value QueueSchema#HISTORY_TABLE}), apart from the application's.
 * <p>
 * Spring Boot treats it as a database initializer: beans that depend on database initialization (the store,
 * {@code JdbcTemplate}s, {@code @DependsOnDatabaseInitialization} beans) are created after it, and it runs after
 * every other initializer (Flyway, Liquibase, SQL scripts), so that the application's own migrations see the schema
 * as they left it and a {@code gearman_queue} they made is kept.
 */
public class GearmanQueueSchemaInitializer implements InitializingBean {

	private final DataSource dataSource;

	/**
	 * Creates the initializer.
	 * @param dataSource the store's database
	 */
	public GearmanQueueSchemaInitializer(DataSource dataSource) {
		Assert.notNull(dataSource, "'dataSource' must not be null");
		this.dataSource = dataSource;
	}

	@Override
	public void afterPropertiesSet() {
		QueueSchema.migrate(this.dataSource);
	}

}
