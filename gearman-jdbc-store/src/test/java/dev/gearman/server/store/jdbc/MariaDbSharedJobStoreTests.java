package dev.gearman.server.store.jdbc;

/**
 * Several servers sharing one real MariaDB server (started once for the test JVM): MySQL and MariaDB take jobs
 * over with the same {@code FOR UPDATE SKIP LOCKED} as PostgreSQL.
 */
class MariaDbSharedJobStoreTests extends SharedJobStoreContractTests {

	@Override
	protected String url() {
		return TestDatabase.MARIADB.emptyDatabase();
	}

}
