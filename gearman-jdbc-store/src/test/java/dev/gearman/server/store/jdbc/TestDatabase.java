package dev.gearman.server.store.jdbc;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The databases the JDBC store runs on, for tests that run one scenario on each (an {@code @EnumSource}
 * parameter): H2 in memory, and PostgreSQL and MariaDB as real throwaway servers on free loopback ports, each
 * started on first use and stopped when the JVM exits. Missing server binaries fail the test with an install hint.
 */
public enum TestDatabase {

	/** H2, as the server app uses by default. */
	H2("sa", ""),

	/** PostgreSQL (Debian package {@code postgresql}). */
	POSTGRESQL("gearman", "gearman"),

	/** MariaDB (Debian package {@code mariadb-server}); MySQL shares its migrations. */
	MARIADB("gearman", "gearman");

	private static final AtomicInteger h2Databases = new AtomicInteger();

	private static @Nullable PostgresServer postgres;

	private static @Nullable MariaDbServer mariaDb;

	private final String user;

	private final String password;

	TestDatabase(String user, String password) {
		this.user = user;
		this.password = password;
	}

	/**
	 * An empty database: a new in-memory one for H2; for PostgreSQL and MariaDB their database {@code gearman},
	 * dropped and created again (so one test at a time per server).
	 * @return its JDBC URL
	 */
	public String emptyDatabase() {
		return switch (this) {
			case H2 -> "jdbc:h2:mem:gearman-" + h2Databases.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
			case POSTGRESQL -> {
				PostgresServer server = postgres();
				server.recreateDatabase();
				yield server.url();
			}
			case MARIADB -> {
				MariaDbServer server = mariaDb();
				server.recreateDatabase();
				yield server.url();
			}
		};
	}

	/** @return the user of the database */
	public String user() {
		return this.user;
	}

	/** @return the user's password */
	public String password() {
		return this.password;
	}

	private static synchronized PostgresServer postgres() {
		if (postgres == null) {
			postgres = PostgresServer.start();
		}
		return postgres;
	}

	private static synchronized MariaDbServer mariaDb() {
		if (mariaDb == null) {
			mariaDb = MariaDbServer.start();
		}
		return mariaDb;
	}

}
