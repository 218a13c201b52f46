package dev.gearman.server.store.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.fail;

/**
 * A throwaway PostgreSQL server on a free loopback port: initdb into a temp directory, pg_ctl start/stop, database
 * and user {@code gearman}. Run as the {@code postgres} user when the tests run as root (PostgreSQL refuses root).
 * Missing binaries fail the test with an install hint.
 */
final class PostgresServer implements AutoCloseable {

	private final String bin;

	private final Path root;

	private final int port;

	private boolean running;

	private PostgresServer(String bin, Path root, int port) {
		this.bin = bin;
		this.root = root;
		this.port = port;
	}

	static PostgresServer start() {
		String initdb = TestProcesses.require("PostgreSQL server", "apt-get install postgresql", candidates());
		String bin = Path.of(initdb).getParent().toString();
		Path root = TestProcesses.ownedDirectory("gearman-pg-", "postgres");
		PostgresServer server = new PostgresServer(bin, root, TestProcesses.freePort());
		Runtime.getRuntime().addShutdownHook(new Thread(server::close));
		TestProcesses.run(root.getParent(), 120, TestProcesses.as("postgres", bin + "/initdb -D " + root
				+ "/data -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync"));
		server.startServer();
		server.psql("CREATE ROLE gearman LOGIN PASSWORD 'gearman'", "CREATE DATABASE gearman OWNER gearman");
		return server;
	}

	/** Drops database {@code gearman}, disconnecting its clients, and creates it again, empty. */
	synchronized void recreateDatabase() {
		psql("DROP DATABASE gearman WITH (FORCE)", "CREATE DATABASE gearman OWNER gearman");
	}

	/** Runs SQL commands as the superuser, each in a transaction of its own. */
	private void psql(String... commands) {
		List<String> command = new ArrayList<>(List.of(this.bin + "/psql", "-h", "127.0.0.1", "-p",
				String.valueOf(this.port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q"));
		for (String sql : commands) {
			command.add("-c");
			command.add(sql);
		}
		TestProcesses.run(this.root.getParent(), 60, command);
	}

	private static String[] candidates() {
		try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
			return Stream
				.concat(versions.sorted(Comparator.reverseOrder()).map((v) -> v.resolve("bin/initdb").toString()),
						Stream.of("initdb"))
				.toArray(String[]::new);
		}
		catch (java.io.IOException ex) {
			return new String[] { "initdb" };
		}
	}

	/** Starts (or restarts) the server and waits until it accepts connections. */
	synchronized void startServer() {
		TestProcesses.run(this.root.getParent(), 120, TestProcesses.as("postgres", this.bin + "/pg_ctl -D "
				+ this.root + "/data -l " + this.root + "/log -w -t 100 -o \"-c listen_addresses=127.0.0.1 -p "
				+ this.port + " -k " + this.root + " -c fsync=off -c full_page_writes=off\" start"));
		this.running = true;
	}

	/** Stops the server, disconnecting every client (fast shutdown). */
	synchronized void stopServer() {
		if (!this.running) {
			return;
		}
		this.running = false;
		TestProcesses.run(this.root.getParent(), 60,
				TestProcesses.as("postgres", this.bin + "/pg_ctl -D " + this.root + "/data -m fast -w -t 50 stop"));
	}

	String url() {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/gearman?reWriteBatchedInserts=true";
	}

	@Override
	public synchronized void close() {
		try {
			stopServer();
		}
		catch (AssertionError ex) {
			fail("PostgreSQL did not stop: " + ex.getMessage());
		}
		finally {
			TestProcesses.deleteRecursively(this.root);
		}
	}

}
