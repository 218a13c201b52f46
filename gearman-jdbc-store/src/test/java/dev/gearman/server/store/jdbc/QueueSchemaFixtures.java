package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.gearman.server.store.StoredJob;
import org.flywaydb.core.Flyway;

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

	/** How the history names the migration that lets several servers share the queue. */
	public static final String VERSION_3 = "3 SQL shared queue";
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
	 * Stores a job as the store of version 1 did, in the columns that version had (the later columns keep their
	 * defaults).
	 * @param dataSource the database, with {@code gearman_queue}
	 * @param job the job
	 */
	public static void storeJob(DataSource dataSource, StoredJob job) {
		try (Connection connection = dataSource.getConnection();
				PreparedStatement insert = connection.prepareStatement("INSERT INTO gearman_queue (unique_key,"
						+ " function_name, priority, data, when_to_run, job_sequence, created_at)"
						+ " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
			insert.setString(1, job.unique());
			insert.setString(2, job.function());
			insert.setInt(3, job.priority());
			insert.setBytes(4, job.data());
			insert.setLong(5, job.whenToRun());
			insert.setLong(6, job.sequence());
			insert.setTimestamp(7, new Timestamp(System.currentTimeMillis()));
			insert.executeUpdate();
		}
		catch (SQLException ex) {
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
