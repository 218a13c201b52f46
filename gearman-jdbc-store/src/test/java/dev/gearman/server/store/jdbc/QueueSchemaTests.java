package dev.gearman.server.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.StoredJob;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.gearman.server.store.jdbc.QueueSchemaFixtures.countRows;
import static dev.gearman.server.store.jdbc.QueueSchemaFixtures.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link QueueSchema} on each database the store runs on: a fresh database, one that already holds an
 * application's own Flyway history and tables, and one whose {@code gearman_queue} was made the old way, by the
 * application's own Flyway over the store's migrations.
 */
class QueueSchemaTests {

	private final List<HikariDataSource> dataSources = new ArrayList<>();

	@AfterEach
	void closeDataSources() {
		this.dataSources.forEach(HikariDataSource::close);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void freshDatabaseGetsTheQueueAndAHistoryOfItsOwn(TestDatabase database) {
		DataSource dataSource = emptyDataSource(database);
		assertThat(QueueSchema.migrate(dataSource)).isEqualTo(4);
		assertThat(history(dataSource, QueueSchema.HISTORY_TABLE)).containsExactly("1 SQL gearman queue",
				QueueSchemaFixtures.VERSION_2, QueueSchemaFixtures.VERSION_3,
				QueueSchemaFixtures.VERSION_4);
		assertThat(countRows(dataSource, "gearman_queue")).isZero();
		assertThat(QueueSchema.migrate(dataSource)).as("migrations run on a database that is up to date").isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void databaseWithTheApplicationsOwnFlywayHistoryStillGetsVersion1(TestDatabase database) {
		DataSource dataSource = emptyDataSource(database);
		// the application's V1, in its own history table (Flyway's default, as Spring Boot's Flyway uses)
		Flyway.configure().dataSource(dataSource).locations("classpath:db/application").load().migrate();
		assertThat(QueueSchema.migrate(dataSource)).isEqualTo(4);
		assertThat(history(dataSource, QueueSchema.HISTORY_TABLE)).containsExactly(
				"0 BASELINE tables other than gearman_queue", "1 SQL gearman queue", QueueSchemaFixtures.VERSION_2,
				QueueSchemaFixtures.VERSION_3,
				QueueSchemaFixtures.VERSION_4);
		assertThat(history(dataSource, "flyway_schema_history")).containsExactly("1 SQL orders");
		assertThat(countRows(dataSource, "gearman_queue")).isZero();
		assertThat(countRows(dataSource, "app_order")).isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.class)
	void queueMadeByTheApplicationsOwnFlywayKeepsItsJobsAndIsBaselined(TestDatabase database) {
		DataSource dataSource = emptyDataSource(database);
		QueueSchemaFixtures.migrateTheOldWay(dataSource);
		QueueSchemaFixtures.storeJob(dataSource,
				new StoredJob("f", "u", 1, "data".getBytes(StandardCharsets.UTF_8), 0, 1));
		assertThat(QueueSchema.migrate(dataSource)).as("the versions after the baseline").isEqualTo(3);
		assertThat(history(dataSource, QueueSchema.HISTORY_TABLE)).containsExactly(
				"1 BASELINE gearman_queue made before gearman_schema_history", QueueSchemaFixtures.VERSION_2,
				QueueSchemaFixtures.VERSION_3,
				QueueSchemaFixtures.VERSION_4);
		assertThat(history(dataSource, "flyway_schema_history")).containsExactly("1 SQL gearman queue");
		assertThat(countRows(dataSource, "gearman_queue")).isEqualTo(1);
		assertThat(QueueSchema.migrate(dataSource)).isZero();
	}

	@Test
	void migrationsArePickedByTheDatabasesProductName() {
		assertThat(QueueSchema.location("H2")).isEqualTo("db/gearman/h2");
		assertThat(QueueSchema.location("PostgreSQL")).isEqualTo("db/gearman/postgresql");
		assertThat(QueueSchema.location("MySQL")).isEqualTo("db/gearman/mysql");
		assertThat(QueueSchema.location("MariaDB")).isEqualTo("db/gearman/mysql");
		assertThatIllegalStateException().isThrownBy(() -> QueueSchema.location("Oracle"))
			.withMessage("database: Oracle (expected: H2, PostgreSQL, MySQL or MariaDB)");
	}

	private DataSource emptyDataSource(TestDatabase database) {
		HikariDataSource dataSource = QueueSchemaFixtures.emptyDataSource(database);
		this.dataSources.add(dataSource);
		return dataSource;
	}

}
