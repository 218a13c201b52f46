package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.StoredJob;
import org.flywaydb.core.Flyway;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of the {@code gearman_queue} migrations, here and in the auto-configuration, set up and look at:
 * databases, Flyway histories, stored jobs, and a table made the way it was before {@link QueueSchema}.
 */
public final class QueueSchemaFixtures {

	private QueueSchemaFixtures() {
	}

	/**
	 * A small pool on an empty database; the caller closes it.
	 * @param database the kind of database
	 * @return the pool
	 */
	public static HikariDataSource emptyDataSource(TestDatabase database) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(database.emptyDatabase());
		dataSource.setUsername(database.user());
		dataSource.setPassword(database.password());
		dataSource.setMaximumPoolSize(2);
		return dataSource;
	}

	/** How the history names the migration that added retries, dead letters and job history. */
	public static final String VERSION_2 = "2 SQL retries dead letters history";

	/** How the history names the migration that added the paused functions. */
	public static final String VERSION_4 = "4 SQL paused functions";

	/**
	 * Makes {@code gearman_queue} as the server app did before {@link QueueSchema}: Spring Boot's Flyway with
	 * {@code spring.flyway.locations=classpath:db/gearman/{vendor}}, its history in {@code flyway_schema_history}.
	 * @param dataSource the database
	 */
	public static void migrateTheOldWay(DataSource dataSource) {
		String location;
		try (Connection connection = dataSource.getConnection()) {
			location = QueueSchema.location(connection.getMetaData().getDatabaseProductName());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		// the old server app had version 1 only
		Flyway.configure().dataSource(dataSource).locations("classpath:" + location).target("1").load().migrate();
	}

	/**
	 * The applied migrations of a Flyway history table.
	 * @param dataSource the database
	 * @param table the history table
	 * @return one "version type description" line per migration, e.g. {@code 1 SQL gearman queue}
	 */
	public static List<String> history(DataSource dataSource, String table) {
		return Arrays.stream(Flyway.configure().dataSource(dataSource).table(table).load().info().applied())
			.map((migration) -> migration.getVersion() + " " + migration.getType().name() + " "
					+ migration.getDescription())
			.toList();
	}

	/**
	 * Stores a job through a {@link JdbcJobStore} of its own, which is closed again.
	 * @param dataSource the database, with {@code gearman_queue}
	 * @param job the job
	 */
	public static void storeJob(DataSource dataSource, StoredJob job) {
		try (JdbcJobStore store = new JdbcJobStore(dataSource, new JdbcJobStoreSettings().setWriters(1))) {
			CompletableFuture<Throwable> stored = new CompletableFuture<>();
			store.add(job, stored::complete);
			assertThat(stored.get(30, TimeUnit.SECONDS)).as("failure storing %s", job).isNull();
		}
		catch (Exception ex) {
			throw new AssertionError("could not store " + job, ex);
		}
	}

	/**
	 * Counts a table's rows.
	 * @param dataSource the database
	 * @param table the table
	 * @return the count
	 */
	public static long countRows(DataSource dataSource, String table) {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			throw new AssertionError("could not count the rows of " + table, ex);
		}
	}

}
