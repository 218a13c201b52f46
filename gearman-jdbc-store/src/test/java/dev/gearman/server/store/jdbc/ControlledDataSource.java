package dev.gearman.server.store.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real database whose trouble the test decides: connections that fail like a database that is down, and commits
 * that hang until released. A held commit honours the connection's network timeout as a driver does: when it
 * expires, the commit goes through (the database got the COMMIT) but the caller gets an I/O error instead of the
 * answer. Without a network timeout a held commit waits for its release.
 */
final class ControlledDataSource {

	private final DataSource real;

	private final DataSource controlled;

	/** While set, getConnection fails as if the database were down. */
	volatile boolean broken;

	private volatile CountDownLatch gate;

	private final Semaphore held = new Semaphore(0);

	private final AtomicInteger commitsReturned = new AtomicInteger();

	/** Runs on the committing connection just before each commit, to look inside the store's transactions. */
	volatile SqlProbe beforeCommit = (connection) -> {
	};

	ControlledDataSource(DataSource real) {
		this.real = real;
		this.controlled = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { DataSource.class }, (proxy, method, args) -> {
					if (method.getName().equals("getConnection")) {
						if (this.broken) {
							throw new SQLException("connection refused (test)", "08001");
						}
						return connection((Connection) invoke(method, this.real, args));
					}
					return invoke(method, this.real, args);
				});
	}

	DataSource dataSource() {
		return this.controlled;
	}

	/** From now on, commits wait until {@link #releaseCommits()} (or their network timeout). */
	void holdCommits() {
		this.gate = new CountDownLatch(1);
	}

	/** Lets held commits go on, and later ones pass. */
	void releaseCommits() {
		CountDownLatch current = this.gate;
		this.gate = null;
		if (current != null) {
			current.countDown();
		}
	}

	/** Waits until a commit is held. */
	void awaitHeldCommit() throws InterruptedException {
		assertThat(this.held.tryAcquire(30, TimeUnit.SECONDS)).as("a commit was held").isTrue();
	}

	/** Waits until as many commits as given have returned or failed, since this data source was made. */
	void awaitCommitsReturned(int count, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.commitsReturned.get() < count) {
			assertThat(System.nanoTime()).as("commits returned: %d of %d", this.commitsReturned.get(), count)
				.isLessThan(deadline);
			Thread.sleep(10);
		}
	}

	private Connection connection(Connection connection) {
		int[] networkTimeout = { 0 };
		return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { Connection.class },
				(proxy, method, args) -> {
					switch (method.getName()) {
						case "setNetworkTimeout" -> networkTimeout[0] = (Integer) args[1];
						case "commit" -> {
							try {
								commit(connection, networkTimeout[0]);
							}
							finally {
								this.commitsReturned.incrementAndGet();
							}
							return null;
						}
						default -> {
						}
					}
					return invoke(method, connection, args);
				});
	}

	private void commit(Connection connection, int networkTimeoutMillis) throws SQLException, InterruptedException {
		this.beforeCommit.run(connection);
		CountDownLatch current = this.gate;
		boolean answered = true;
		if (current != null) {
			this.held.release();
			answered = (networkTimeoutMillis > 0) ? current.await(networkTimeoutMillis, TimeUnit.MILLISECONDS)
					: current.await(10, TimeUnit.MINUTES);
		}
		connection.commit();
		if (!answered) {
			throw new SQLException("Read timed out (test): the commit went through, its answer did not", "08006");
		}
	}

	private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	/** SQL run on a connection, for {@link #beforeCommit}. */
	@FunctionalInterface
	interface SqlProbe {

		void run(Connection connection) throws SQLException;

	}

}
