package dev.gearman.server.store.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/**
 * Creates and migrates the {@code gearman_queue} table that {@link JdbcJobStore} writes. Run it before the store
 * is created:
 * <pre>{@code
 * QueueSchema.migrate(dataSource);
 * JdbcJobStore store = new JdbcJobStore(dataSource, new JdbcJobStoreSettings());
 * }</pre>
 * <p>
 * The migrations are Flyway SQL files under {@code classpath:db/gearman/{vendor}}, one set per database where the
 * SQL differs: {@code h2}, {@code postgresql} and {@code mysql} (MySQL and MariaDB share it), picked by the
 * database's product name. They keep a history table of their own, {@value #HISTORY_TABLE}, so they never mix
 * with an application's own Flyway history, whose version 1 would clash with ours.
 * <p>
 * A database that already has {@code gearman_queue} but no {@value #HISTORY_TABLE} (the table was made by the
 * application's own Flyway run over these files, as the server app did before it had this class, or by hand) is
 * baselined at version 1: the table and its jobs are kept and only later migrations run. A database that holds
 * other tables but no {@code gearman_queue} gets every migration, version 1 included.
 */
public final class QueueSchema {

	/** The Flyway history table of the store's migrations. */
	public static final String HISTORY_TABLE = "gearman_schema_history";

	private QueueSchema() {
	}

	/**
	 * Applies the migrations the database has not had yet; does nothing to a database that is up to date. Safe to
	 * run from several servers at once: Flyway locks the history table while it migrates.
	 * @param dataSource the store's database
	 * @return how many migrations ran
	 * @throws IllegalStateException if the database cannot be reached or is none of H2, PostgreSQL, MySQL or
	 * MariaDB
	 * @throws org.flywaydb.core.api.FlywayException if a migration fails, or the history does not match the
	 * migrations (e.g. it holds a newer version than this store knows)
	 */
	public static int migrate(DataSource dataSource) {
		boolean queueExists;
		String location;
		try (Connection connection = dataSource.getConnection()) {
			location = location(connection.getMetaData().getDatabaseProductName());
			queueExists = tableExists(connection, QueueTable.NAME);
		}
		catch (SQLException ex) {
			throw unreachable("Could not read which database holds " + QueueTable.NAME, ex);
		}
		// the baseline applies only while HISTORY_TABLE does not exist and the schema has tables: a queue made
		// before this history counts as version 1; other tables count as nothing, so that version 1 still runs
		return Flyway.configure(QueueSchema.class.getClassLoader())
			.dataSource(dataSource)
			.locations("classpath:" + location)
			.failOnMissingLocations(true)
			.table(HISTORY_TABLE)
			.baselineOnMigrate(true)
			.baselineVersion(queueExists ? "1" : "0")
			.baselineDescription(queueExists ? QueueTable.NAME + " made before " + HISTORY_TABLE
					: "tables other than " + QueueTable.NAME)
			.load()
			.migrate().migrationsExecuted;
	}

	/**
	 * The classpath location of the migrations for a database.
	 * @param productName the database's product name, as its JDBC driver reports it
	 * @return the location, e.g. {@code db/gearman/postgresql}
	 * @throws IllegalStateException if the store has no migrations for that database
	 */
	public static String location(String productName) {
		String vendor = switch (productName.toLowerCase(Locale.ROOT)) {
			case "h2" -> "h2";
			case "postgresql" -> "postgresql";
			case "mysql", "mariadb" -> "mysql";
			default -> throw new IllegalStateException(
					"database: " + productName + " (expected: H2, PostgreSQL, MySQL or MariaDB)");
		};
		return "db/gearman/" + vendor;
	}

	/** H2's "database may be already in use": another process has the file open. */
	private static final int H2_DATABASE_ALREADY_OPEN = 90020;

	/**
	 * The failure to report when the store's database cannot be reached; an embedded H2 file that another process
	 * has open (another server on the same data directory, say) says so and what to do instead.
	 * @param what what could not be done
	 * @param failure why
	 * @return the exception to throw
	 */
	static IllegalStateException unreachable(String what, SQLException failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN
					&& "90020".equals(sql.getSQLState())) {
				return new IllegalStateException("Another process uses this H2 database file, another Gearman job"
						+ " server on the same data directory perhaps: " + sql.getMessage() + " (expected: one server"
						+ " per H2 database; servers that share their jobs need PostgreSQL or MySQL/MariaDB)", failure);
			}
		}
		return new IllegalStateException(what + ": " + failure.getMessage(), failure);
	}

	/** Whether the connection's current schema (or catalog) has the table, as the store's unqualified SQL sees it. */
	private static boolean tableExists(Connection connection, String name) throws SQLException {
		DatabaseMetaData metaData = connection.getMetaData();
		String stored = metaData.storesUpperCaseIdentifiers() ? name.toUpperCase(Locale.ROOT) : name;
		String escape = metaData.getSearchStringEscape();
		String pattern = (escape != null) ? stored.replace("_", escape + "_") : stored;
		try (ResultSet tables = metaData.getTables(connection.getCatalog(), connection.getSchema(), pattern, null)) {
			return tables.next();
		}
	}

}
