package dev.gearman.spring.boot.autoconfigure.store;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.core.Ordered;

/**
 * Makes {@link GearmanQueueSchemaInitializer} beans database initializers for Spring Boot, last in order: after
 * Flyway, Liquibase and SQL scripts, before every bean that depends on database initialization.
 */
class GearmanQueueSchemaInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(GearmanQueueSchemaInitializer.class);
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
