package dev.gearman.server.store.jdbc;

/**
 * Several servers sharing one real PostgreSQL server (started once for the test JVM).
 */
class PostgresSharedJobStoreTests extends SharedJobStoreContractTests {

	@Override
	protected String url() {
		return TestDatabase.POSTGRESQL.emptyDatabase();
	}

}
