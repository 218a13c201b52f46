package dev.gearman.spring.boot.autoconfigure.server;

import java.time.Duration;

import dev.gearman.protocol.GearmanConstants;
import dev.gearman.server.GearmanServerSettings;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of the in-process Gearman job server.
 */
@ConfigurationProperties("gearman.server")
public class GearmanServerProperties {

	/**
	 * Whether to run a Gearman job server in this application.
	 */
	private boolean enabled;

	/**
	 * Address to bind. Loopback by default; 0.0.0.0 for all interfaces.
	 */
	private String address = "127.0.0.1";

	/**
	 * TCP port. 0 picks a free port, published as 'local.gearman.port'.
	 */
	private int port = GearmanConstants.DEFAULT_PORT;

	/**
	 * Prefix of job handles, which read 'prefix:n'. Defaults to 'H:' and the host name, as gearmand.
	 */
	private @Nullable String handlePrefix;

	/**
	 * Attempts a job gets when its worker dies, times out or gives it back, before it is failed. 0 = unlimited.
	 */
	private int retryLimit;

	/**
	 * Largest number of sleeping workers woken per queued job. 0 = all.
	 */
	private int workerWakeup;

	/**
	 * Largest accepted packet payload; larger packets are refused with an ERROR and the connection is closed.
	 * At most 4 GiB - 1; payloads over 2 GiB - 65 bytes, the most one Java buffer holds, are refused whatever
	 * the setting.
	 */
	private DataSize maxPacketSize = DataSize.ofBytes(GearmanConstants.DEFAULT_MAX_PACKET_SIZE);

	/**
	 * Largest number of simultaneous connections. 0 = unlimited.
	 */
	private int maxConnections = 10_000;

	/**
	 * Close connections with no traffic in either direction for this long. Zero = never. Note that a client
	 * waiting for a long foreground job, or a sleeping worker, is silent too.
	 */
	private Duration idleTimeout = Duration.ZERO;

	/**
	 * How long a stop waits for running jobs to finish after it closed the port and stopped handing out jobs.
	 * Queued background jobs stay in the store either way.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	/**
	 * Whether every connection starts with the 'exceptions' option on, as gearmand's --exceptions.
	 */
	private boolean exceptions;

	/**
	 * Queue limit per priority for every function when first seen. 0 = unlimited. The admin command 'maxqueue'
	 * changes it per function.
	 */
	private int defaultMaxQueue;

	/**
	 * Number of network I/O threads. 0 = twice the number of CPUs.
	 */
	private int ioThreads;

	/**
	 * Longest function name accepted, in bytes (libgearman's limit). Longer names are refused with ERROR
	 * ARGUMENT_TOO_LARGE before anything is created.
	 */
	private int maxFunctionNameLength = 512;

	/**
	 * Most functions one worker connection may register; more get ERROR TOO_MANY_FUNCTIONS. 0 = unlimited.
	 */
	private int maxAbilitiesPerWorker = 1000;

	/**
	 * Most functions the server knows at once; submissions for new functions beyond it get QUEUE_ERROR. Stored jobs
	 * replayed at start are always taken. 0 = unlimited.
	 */
	private int maxFunctions = 100_000;

	/**
	 * How long a function nobody registers, queues jobs for or configured ('maxqueue', 'create function') is kept
	 * before it is forgotten. Zero = kept for ever, as gearmand does.
	 */
	private Duration idleFunctionRetention = Duration.ofMinutes(10);

	/**
	 * Most payload bytes all live jobs may hold together; submissions beyond it get QUEUE_ERROR, and stored jobs
	 * beyond it wait in the store at startup. 0 = half the maximum heap.
	 */
	private DataSize maxQueuedBytes = DataSize.ofBytes(0);

	/**
	 * Most payload bytes the live jobs of one function may hold. 0 = no limit of its own.
	 */
	private DataSize maxQueuedBytesPerFunction = DataSize.ofBytes(0);

	/**
	 * Unread reply bytes at which a connection stops being read and its commands wait unrun; both resume once the
	 * peer has read all but a quarter of it.
	 */
	private DataSize replyBudgetPerConnection = DataSize.ofMegabytes(4);

	/**
	 * Unread reply bytes at which a connection is closed. 0 = twice max-packet-size, at least 64 MB.
	 */
	private DataSize maxReplyBytesPerConnection = DataSize.ofBytes(0);

	/**
	 * Unread reply bytes of all connections together above which a connection with replies unread gets no new ones
	 * and the most backlogged connections are closed. 0 = a quarter of the maximum direct memory, at least the limit
	 * per connection.
	 */
	private DataSize maxReplyBytes = DataSize.ofBytes(0);

	/**
	 * Most simultaneous connections from one IP address; more are refused. 0 = unlimited.
	 */
	private int maxConnectionsPerAddress = 1000;

	/**
	 * How long a new connection may take to complete its first packet or admin line before it is closed. Zero = no
	 * limit.
	 */
	private Duration firstPacketTimeout = Duration.ofSeconds(10);

	/**
	 * Most bytes of large-payload buffers allocated before their bytes arrived, over all connections; beyond it a
	 * payload is collected as it arrives.
	 */
	private DataSize maxReadAhead = DataSize.ofMegabytes(8);

	private final Metrics metrics = new Metrics();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getAddress() {
		return this.address;
	}

	public void setAddress(String address) {
		this.address = address;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public @Nullable String getHandlePrefix() {
		return this.handlePrefix;
	}

	public void setHandlePrefix(@Nullable String handlePrefix) {
		this.handlePrefix = handlePrefix;
	}

	public int getRetryLimit() {
		return this.retryLimit;
	}

	public void setRetryLimit(int retryLimit) {
		this.retryLimit = retryLimit;
	}

	public int getWorkerWakeup() {
		return this.workerWakeup;
	}

	public void setWorkerWakeup(int workerWakeup) {
		this.workerWakeup = workerWakeup;
	}

	public DataSize getMaxPacketSize() {
		return this.maxPacketSize;
	}

	public void setMaxPacketSize(DataSize maxPacketSize) {
		this.maxPacketSize = maxPacketSize;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		this.maxConnections = maxConnections;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public boolean isExceptions() {
		return this.exceptions;
	}

	public void setExceptions(boolean exceptions) {
		this.exceptions = exceptions;
	}

	public int getDefaultMaxQueue() {
		return this.defaultMaxQueue;
	}

	public void setDefaultMaxQueue(int defaultMaxQueue) {
		this.defaultMaxQueue = defaultMaxQueue;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	public int getMaxFunctionNameLength() {
		return this.maxFunctionNameLength;
	}

	public void setMaxFunctionNameLength(int maxFunctionNameLength) {
		this.maxFunctionNameLength = maxFunctionNameLength;
	}

	public int getMaxAbilitiesPerWorker() {
		return this.maxAbilitiesPerWorker;
	}

	public void setMaxAbilitiesPerWorker(int maxAbilitiesPerWorker) {
		this.maxAbilitiesPerWorker = maxAbilitiesPerWorker;
	}

	public int getMaxFunctions() {
		return this.maxFunctions;
	}

	public void setMaxFunctions(int maxFunctions) {
		this.maxFunctions = maxFunctions;
	}

	public Duration getIdleFunctionRetention() {
		return this.idleFunctionRetention;
	}

	public void setIdleFunctionRetention(Duration idleFunctionRetention) {
		this.idleFunctionRetention = idleFunctionRetention;
	}

	public DataSize getMaxQueuedBytes() {
		return this.maxQueuedBytes;
	}

	public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
		this.maxQueuedBytes = maxQueuedBytes;
	}

	public DataSize getMaxQueuedBytesPerFunction() {
		return this.maxQueuedBytesPerFunction;
	}

	public void setMaxQueuedBytesPerFunction(DataSize maxQueuedBytesPerFunction) {
		this.maxQueuedBytesPerFunction = maxQueuedBytesPerFunction;
	}

	public DataSize getReplyBudgetPerConnection() {
		return this.replyBudgetPerConnection;
	}

	public void setReplyBudgetPerConnection(DataSize replyBudgetPerConnection) {
		this.replyBudgetPerConnection = replyBudgetPerConnection;
	}

	public DataSize getMaxReplyBytesPerConnection() {
		return this.maxReplyBytesPerConnection;
	}

	public void setMaxReplyBytesPerConnection(DataSize maxReplyBytesPerConnection) {
		this.maxReplyBytesPerConnection = maxReplyBytesPerConnection;
	}

	public DataSize getMaxReplyBytes() {
		return this.maxReplyBytes;
	}

	public void setMaxReplyBytes(DataSize maxReplyBytes) {
		this.maxReplyBytes = maxReplyBytes;
	}

	public int getMaxConnectionsPerAddress() {
		return this.maxConnectionsPerAddress;
	}

	public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
		this.maxConnectionsPerAddress = maxConnectionsPerAddress;
	}

	public Duration getFirstPacketTimeout() {
		return this.firstPacketTimeout;
	}

	public void setFirstPacketTimeout(Duration firstPacketTimeout) {
		this.firstPacketTimeout = firstPacketTimeout;
	}

	public DataSize getMaxReadAhead() {
		return this.maxReadAhead;
	}

	public void setMaxReadAhead(DataSize maxReadAhead) {
		this.maxReadAhead = maxReadAhead;
	}


	/**
	 * Converts these properties to the core library's settings, validating each value.
	 * @return the settings
	 */
	public GearmanServerSettings toSettings() {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress(this.address);
		settings.setPort(this.port);
		if (this.handlePrefix != null && !this.handlePrefix.isEmpty()) {
			settings.setHandlePrefix(this.handlePrefix);
		}
		settings.setRetryLimit(this.retryLimit);
		settings.setWorkerWakeup(this.workerWakeup);
		settings.setMaxPacketSize(this.maxPacketSize.toBytes());
		settings.setMaxConnections(this.maxConnections);
		settings.setIdleTimeout(this.idleTimeout);
		settings.setShutdownTimeout(this.shutdownTimeout);
		settings.setExceptions(this.exceptions);
		settings.setDefaultMaxQueue(this.defaultMaxQueue);
		settings.setIoThreads(this.ioThreads);
		settings.setMaxFunctionNameLength(this.maxFunctionNameLength);
		settings.setMaxAbilitiesPerWorker(this.maxAbilitiesPerWorker);
		settings.setMaxFunctions(this.maxFunctions);
		settings.setIdleFunctionRetention(this.idleFunctionRetention);
		settings.setMaxQueuedBytes(this.maxQueuedBytes.toBytes());
		settings.setMaxQueuedBytesPerFunction(this.maxQueuedBytesPerFunction.toBytes());
		settings.setReplyBudgetPerConnection(this.replyBudgetPerConnection.toBytes());
		settings.setMaxReplyBytesPerConnection(this.maxReplyBytesPerConnection.toBytes());
		settings.setMaxReplyBytes(this.maxReplyBytes.toBytes());
		settings.setMaxConnectionsPerAddress(this.maxConnectionsPerAddress);
		settings.setFirstPacketTimeout(this.firstPacketTimeout);
		settings.setMaxReadAhead(this.maxReadAhead.toBytes());
		return settings;
	}

	/**
	 * Metrics of the job server.
	 */
	public static class Metrics {

		/**
		 * Largest number of distinct values of the 'function' tag. Functions seen after the limit is reached are
		 * reported together as '_other', so hostile or generated function names cannot explode the number of
		 * time series.
		 */
		private int maxFunctions = 100;

		/**
		 * How often the gauges (queued, running, workers, connections) take a snapshot of the engine.
		 */
		private Duration refreshInterval = Duration.ofSeconds(2);

		public int getMaxFunctions() {
			return this.maxFunctions;
		}

		public void setMaxFunctions(int maxFunctions) {
			this.maxFunctions = maxFunctions;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

}
