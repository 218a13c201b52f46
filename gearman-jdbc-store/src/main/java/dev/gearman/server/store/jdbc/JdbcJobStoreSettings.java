package dev.gearman.server.store.jdbc;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Tuning of a {@link JdbcJobStore}. Every value is bounded so that a slow or dead database can never make a client
 * wait without limit or let memory grow without limit.
 */
public final class JdbcJobStoreSettings {

	private int queueCapacity = 50_000;

	private int maxBatchSize = 2_000;

	private Duration timeout = Duration.ofSeconds(5);

	private Duration retryInterval = Duration.ofSeconds(1);

	private int writers = 2;

	private boolean requireDurableCommits = true;

	private Duration lease = Duration.ofSeconds(5);

	private Duration heartbeatInterval = Duration.ofSeconds(1);

	private String instanceName = defaultInstanceName();

	/** The property that turns {@link #isRequireDurableCommits()} off, named in the store's messages. */
	static final String REQUIRE_DURABLE_COMMITS = "gearman.server.store.require-durable-commits";

	/**
	 * Inserts that may wait for the writer; beyond that a submission fails at once with QUEUE_ERROR.
	 * @return the capacity
	 */
	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public JdbcJobStoreSettings setQueueCapacity(int queueCapacity) {
		if (queueCapacity < 1) {
			throw new IllegalArgumentException("queueCapacity must be at least 1, not " + queueCapacity);
		}
		this.queueCapacity = queueCapacity;
		return this;
	}

	/**
	 * Largest number of inserts and deletes committed in one transaction.
	 * @return the batch size
	 */
	public int getMaxBatchSize() {
		return this.maxBatchSize;
	}

	public JdbcJobStoreSettings setMaxBatchSize(int maxBatchSize) {
		if (maxBatchSize < 1) {
			throw new IllegalArgumentException("maxBatchSize must be at least 1, not " + maxBatchSize);
		}
		this.maxBatchSize = maxBatchSize;
		return this;
	}

	/**
	 * Longest time an insert may wait for a transaction to take it, and the statement timeout of every statement.
	 * An insert already in a transaction is answered by that transaction's outcome: the statements are bounded by
	 * this timeout and every wait for the database's answer, the commit's included, by a network timeout of twice
	 * this. A transaction that runs longer than this timeout turns the store unavailable at once, so that new
	 * submissions fail fast meanwhile.
	 * @return the timeout
	 */
	public Duration getTimeout() {
		return this.timeout;
	}

	public JdbcJobStoreSettings setTimeout(Duration timeout) {
		if (timeout.isNegative() || timeout.toMillis() < 100) {
			throw new IllegalArgumentException("timeout must be at least 100ms, not " + timeout);
		}
		this.timeout = timeout;
		return this;
	}

	/** The statement timeout, in the whole seconds that JDBC takes (at least one). */
	int queryTimeoutSeconds() {
		return (int) Math.max(1, this.timeout.toSeconds());
	}

	/**
	 * The network timeout on the store's connections: longer than the statement timeout, so that a slow statement
	 * is cancelled cleanly first, and short enough that a database that stops answering (a COMMIT without reply)
	 * fails the transaction within a bound instead of hanging it for ever.
	 */
	int networkTimeoutMillis() {
		return (int) Math.min(Integer.MAX_VALUE, 2 * Math.max(this.timeout.toMillis(), queryTimeoutSeconds() * 1000L));
	}

	/**
	 * How often an unavailable database is probed for its return.
	 * @return the interval
	 */
	public Duration getRetryInterval() {
		return this.retryInterval;
	}

	public JdbcJobStoreSettings setRetryInterval(Duration retryInterval) {
		if (retryInterval.isNegative() || retryInterval.toMillis() < 10) {
			throw new IllegalArgumentException("retryInterval must be at least 10ms, not " + retryInterval);
		}
		this.retryInterval = retryInterval;
		return this;
	}

	/**
	 * Writer threads, each with its own connection and transactions. Jobs are spread over them by key, so a job's
	 * insert and delete always meet the same writer, in order; several writers keep the database busy while one
	 * of them waits for its commit.
	 * @return the number of writers
	 */
	public int getWriters() {
		return this.writers;
	}

	public JdbcJobStoreSettings setWriters(int writers) {
		if (writers < 1 || writers > 64) {
			throw new IllegalArgumentException("writers must be between 1 and 64, not " + writers);
		}
		this.writers = writers;
		return this;
	}

	/**
	 * Whether the store refuses to start on a database whose commits may be lost in a crash (H2 with a
	 * {@code WRITE_DELAY} it cannot set to 0, MariaDB/MySQL with {@code innodb_flush_log_at_trx_commit} other than
	 * 1), and turns PostgreSQL's {@code synchronous_commit} back on for its own transactions. Off, it changes no
	 * database setting and logs a warning instead: for a development machine that trades durability for speed.
	 * @return whether commits must be durable (default {@code true})
	 */
	public boolean isRequireDurableCommits() {
		return this.requireDurableCommits;
	}

	public JdbcJobStoreSettings setRequireDurableCommits(boolean requireDurableCommits) {
		this.requireDurableCommits = requireDurableCommits;
		return this;
	}

	/**
	 * How long a server's ownership of its stored jobs lasts after its last heartbeat reached the database. When it
	 * has run out (the server was killed, or cannot reach the database), the other servers sharing the database take
	 * the jobs over; the server itself stops handing them out one heartbeat interval before. Longer leases ride out
	 * longer database hiccups, shorter ones take over sooner.
	 * @return the lease (default 5 s)
	 */
	public Duration getLease() {
		return this.lease;
	}

	public JdbcJobStoreSettings setLease(Duration lease) {
		if (lease.isNegative() || lease.toMillis() < 300) {
			throw new IllegalArgumentException("lease: " + lease + " (expected: at least 300ms)");
		}
		this.lease = lease;
		return this;
	}

	/**
	 * How often a server renews its lease, and looks for servers whose jobs to take over. The lease must be at least
	 * three intervals.
	 * @return the interval (default 1 s)
	 */
	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public JdbcJobStoreSettings setHeartbeatInterval(Duration heartbeatInterval) {
		if (heartbeatInterval.isNegative() || heartbeatInterval.toMillis() < 100) {
			throw new IllegalArgumentException("heartbeatInterval: " + heartbeatInterval + " (expected: at least 100ms)");
		}
		this.heartbeatInterval = heartbeatInterval;
		return this;
	}

	/**
	 * The name the server registers with, for people reading the instances table, health and the actuator.
	 * @return the name (default: the host name)
	 */
	public String getInstanceName() {
		return this.instanceName;
	}

	public JdbcJobStoreSettings setInstanceName(String instanceName) {
		if (instanceName.isEmpty() || instanceName.length() > 255) {
			throw new IllegalArgumentException("instanceName: '" + instanceName + "' (expected: 1..255 characters)");
		}
		this.instanceName = instanceName;
		return this;
	}

	private static String defaultInstanceName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "localhost";
		}
	}

}
