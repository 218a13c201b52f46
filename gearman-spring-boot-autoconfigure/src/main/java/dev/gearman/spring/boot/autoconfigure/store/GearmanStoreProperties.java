package dev.gearman.spring.boot.autoconfigure.store;

import java.time.Duration;

import dev.gearman.server.store.jdbc.JdbcJobStoreSettings;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the job server keeps background jobs.
 */
@ConfigurationProperties("gearman.server.store")
public class GearmanStoreProperties {

	/**
	 * Store for background jobs: 'memory' (lost on restart, like gearmand without a queue plugin) or 'jdbc' (the
	 * gearman_queue table of the application's DataSource).
	 */
	private Type type = Type.MEMORY;

	/**
	 * Inserts that may wait for the store's writer thread; beyond that submissions get QUEUE_ERROR at once.
	 */
	private int queueCapacity = 50_000;

	/**
	 * Largest number of inserts and deletes committed in one transaction (group commit).
	 */
	private int maxBatchSize = 2_000;

	/**
	 * Longest wait for a background job to be taken into a transaction before the client gets QUEUE_ERROR; also
	 * the statement timeout. A job already in a transaction is answered by its outcome, within twice this (the
	 * network timeout on the store's connections); a transaction running longer than this turns the store
	 * unavailable, so new submissions fail at once meanwhile.
	 */
	private Duration timeout = Duration.ofSeconds(5);

	/**
	 * How often an unreachable database is probed for its return.
	 */
	private Duration retryInterval = Duration.ofSeconds(1);

	/**
	 * Writer threads committing to the database in parallel, each with its own connection; jobs are spread over
	 * them by key. The DataSource's pool needs at least this many connections.
	 */
	private int writers = 2;

	/**
	 * Whether the store refuses to start on a database whose commits a crash can lose: H2 with a WRITE_DELAY it
	 * cannot set to 0 (needs admin rights), MariaDB/MySQL with innodb_flush_log_at_trx_commit other than 1; on
	 * PostgreSQL the store's transactions turn synchronous_commit back on if it is off. 'false' changes no database
	 * setting and only warns: acknowledged background jobs can then be lost, e.g. on a development machine.
	 */
	private boolean requireDurableCommits = true;

	/**
	 * Whether to create the gearman_queue table and apply its migrations at startup, after the application's own
	 * Flyway or Liquibase migrations, with a Flyway history table of their own (gearman_schema_history). Turn it
	 * off when the table is managed elsewhere.
	 */
	private boolean initializeSchema = true;

	/**
	 * Several servers sharing one PostgreSQL or MySQL/MariaDB database.
	 */
	private final Cluster cluster = new Cluster();

	public Type getType() {
		return this.type;
	}

	public void setType(Type type) {
		this.type = type;
	}

	public int getQueueCapacity() {
		return this.queueCapacity;
	}

	public void setQueueCapacity(int queueCapacity) {
		this.queueCapacity = queueCapacity;
	}

	public int getMaxBatchSize() {
		return this.maxBatchSize;
	}

	public void setMaxBatchSize(int maxBatchSize) {
		this.maxBatchSize = maxBatchSize;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Duration getRetryInterval() {
		return this.retryInterval;
	}

	public void setRetryInterval(Duration retryInterval) {
		this.retryInterval = retryInterval;
	}

	public int getWriters() {
		return this.writers;
	}

	public void setWriters(int writers) {
		this.writers = writers;
	}

	public boolean isRequireDurableCommits() {
		return this.requireDurableCommits;
	}

	public void setRequireDurableCommits(boolean requireDurableCommits) {
		this.requireDurableCommits = requireDurableCommits;
	}

	public boolean isInitializeSchema() {
		return this.initializeSchema;
	}

	public void setInitializeSchema(boolean initializeSchema) {
		this.initializeSchema = initializeSchema;
	}

	public Cluster getCluster() {
		return this.cluster;
	}

	/**
	 * Converts these properties to the store's settings, validating each value.
	 * @return the settings
	 */
	public JdbcJobStoreSettings toJdbcSettings() {
		return new JdbcJobStoreSettings().setQueueCapacity(this.queueCapacity)
			.setMaxBatchSize(this.maxBatchSize)
			.setTimeout(this.timeout)
			.setRetryInterval(this.retryInterval)
			.setWriters(this.writers)
			.setRequireDurableCommits(this.requireDurableCommits)
			.setLease(this.cluster.lease)
			.setHeartbeatInterval(this.cluster.heartbeatInterval);
	}

	/**
	 * Several servers on one database: each owns the background jobs it accepted, renews a lease in the
	 * gearman_instance table by heartbeats, and takes over the jobs of a server whose lease ran out.
	 */
	public static class Cluster {

		/**
		 * How long a server's ownership of its stored jobs lasts after its last heartbeat reached the database; then
		 * the other servers take them over. A server stops handing its stored jobs out one heartbeat interval
		 * before. At least three heartbeat intervals.
		 */
		private Duration lease = Duration.ofSeconds(5);

		/**
		 * How often a server renews its lease and looks for jobs of servers that stopped to take over.
		 */
		private Duration heartbeatInterval = Duration.ofSeconds(1);

		/**
		 * Name the server registers with, shown by health and the actuator. Default: host name and
		 * gearman.server.port.
		 */
		private @Nullable String name;

		public Duration getLease() {
			return this.lease;
		}

		public void setLease(Duration lease) {
			this.lease = lease;
		}

		public Duration getHeartbeatInterval() {
			return this.heartbeatInterval;
		}

		public void setHeartbeatInterval(Duration heartbeatInterval) {
			this.heartbeatInterval = heartbeatInterval;
		}

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

	}

	/**
	 * The kinds of store.
	 */
	public enum Type {

		/** Background jobs live in memory only. */
		MEMORY,

		/** Background jobs are committed to the gearman_queue table before JOB_CREATED. */
		JDBC

	}

}
