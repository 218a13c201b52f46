package dev.gearman.server.store.jdbc;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * A throwaway MariaDB server on a free loopback port: mariadb-install-db into a temp directory, mariadbd as a
 * child process (dropping to the {@code mysql} user when the tests run as root), database and user
 * {@code gearman}. Missing binaries fail the test with an install hint.
 */
final class MariaDbServer implements AutoCloseable {

	private final Path root;

	private final int port;

	private final Process process;

	private MariaDbServer(Path root, int port, Process process) {
		this.root = root;
		this.port = port;
		this.process = process;
	}

	static MariaDbServer start() {
		return start(List.of());
	}

	/**
	 * Starts a server with durable commits (the store refuses others), plus options that override the defaults.
	 * @param options mariadbd options, e.g. {@code --innodb-flush-log-at-trx-commit=2}
	 */
	static MariaDbServer start(List<String> options) {
		String install = TestProcesses.require("MariaDB server", "apt-get install mariadb-server",
				"/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db");
		String mariadbd = TestProcesses.require("MariaDB server", "apt-get install mariadb-server",
				"/usr/sbin/mariadbd", "/usr/sbin/mysqld");
		Path root = TestProcesses.ownedDirectory("gearman-mariadb-", "mysql");
		int port = TestProcesses.freePort();
		List<String> installCommand = new ArrayList<>(List.of(install, "--no-defaults", "--datadir=" + root + "/data",
				"--auth-root-authentication-method=socket", "--skip-test-db", "--skip-name-resolve"));
		if (TestProcesses.isRoot()) {
			installCommand.add("--user=mysql");
		}
		TestProcesses.run(root.getParent(), 120, installCommand);
		List<String> command = new ArrayList<>(List.of(mariadbd, "--no-defaults", "--datadir=" + root + "/data",
				"--socket=" + root + "/mysqld.sock", "--pid-file=" + root + "/mysqld.pid", "--port=" + port,
				"--bind-address=127.0.0.1", "--skip-name-resolve", "--innodb-flush-log-at-trx-commit=1",
				"--innodb-buffer-pool-size=32M", "--log-error=" + root + "/error.log", "--init-file=" + initFile(root)));
		command.addAll(options);
		if (TestProcesses.isRoot()) {
			command.add("--user=mysql");
		}
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(root.resolve("stdout.log").toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			MariaDbServer server = new MariaDbServer(root, port, process);
			Runtime.getRuntime().addShutdownHook(new Thread(server::close));
			server.awaitReady();
			return server;
		}
		catch (IOException ex) {
			return fail("could not start " + mariadbd, ex);
		}
	}

	/** SQL the server runs at startup with full rights: no root login is needed to create the user. */
	private static Path initFile(Path root) {
		try {
			Path file = root.resolve("init.sql");
			java.nio.file.Files.writeString(file, "CREATE DATABASE IF NOT EXISTS gearman CHARACTER SET utf8mb4;\n"
					+ "CREATE USER IF NOT EXISTS 'gearman'@'127.0.0.1' IDENTIFIED BY 'gearman';\n"
					+ "GRANT ALL ON gearman.* TO 'gearman'@'127.0.0.1';\n");
			file.toFile().setReadable(true, false);
			return file;
		}
		catch (IOException ex) {
			return fail("could not write the init file", ex);
		}
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
		SQLException last = null;
		while (System.nanoTime() < deadline && this.process.isAlive()) {
			try (Connection connection = DriverManager.getConnection(url(), "gearman", "gearman")) {
				return;
			}
			catch (SQLException ex) {
				last = ex;
				try {
					Thread.sleep(200);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					break;
				}
			}
		}
		close();
		fail("MariaDB did not come up on port " + this.port + " (see " + this.root + "/error.log): " + last);
	}

	String url() {
		return "jdbc:mariadb://127.0.0.1:" + this.port + "/gearman";
	}

	/** Drops database {@code gearman} and creates it again, empty (user {@code gearman} holds every right on it). */
	void recreateDatabase() {
		try (Connection connection = DriverManager.getConnection(url(), "gearman", "gearman");
				Statement statement = connection.createStatement()) {
			statement.execute("DROP DATABASE gearman");
			statement.execute("CREATE DATABASE gearman CHARACTER SET utf8mb4");
		}
		catch (SQLException ex) {
			fail("could not create database gearman again", ex);
		}
	}

	@Override
	public synchronized void close() {
		if (this.process.isAlive()) {
			this.process.destroy();
			try {
				if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
					this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		TestProcesses.deleteRecursively(this.root);
	}

}
