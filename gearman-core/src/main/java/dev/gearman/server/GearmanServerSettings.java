package dev.gearman.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import dev.gearman.protocol.GearmanConstants;
import dev.gearman.server.access.AccessPolicy;
import dev.gearman.server.history.HistorySettings;
import dev.gearman.server.retry.DeadLetterSettings;
import dev.gearman.server.retry.RetryPolicy;
import dev.gearman.server.retry.RetryRules;
import io.netty.util.internal.PlatformDependent;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link GearmanServer}. Plain mutable bean with gearmand's defaults where gearmand has one; the
 * server copies what it needs when it starts.
 */
public class GearmanServerSettings {

	/** Address to bind; {@code 0.0.0.0} for all interfaces. */
	private String address = "127.0.0.1";

	/** TCP port; 0 picks a free one. */
	private int port = GearmanConstants.DEFAULT_PORT;

	/** Prefix of job handles; handles are {@code prefix:n}. Defaults to {@code H:<hostname>}. */
	private String handlePrefix = defaultHandlePrefix();

	/**
	 * How many times a job may be attempted when its worker dies, times out or gives it back before it is failed;
	 * 0 = unlimited (gearmand's default).
	 */
	private int retryLimit;

	/** At most this many sleeping workers are woken (NOOP) per queued job; 0 = all. */
	private int workerWakeup;

	/** Largest accepted packet payload; at most 4 GiB - 1. */
	private long maxPacketSize = GearmanConstants.DEFAULT_MAX_PACKET_SIZE;

	/** Largest number of simultaneous connections; 0 = unlimited. */
	private int maxConnections = 10_000;

	/** Connections with no traffic in either direction for this long are closed; zero or negative = never. */
	private Duration idleTimeout = Duration.ZERO;

	/**
	 * How long {@link GearmanServer#stop()} waits for running jobs to finish after it stopped accepting
	 * connections and handing out jobs; zero (the library's default) = stop at once. The Spring Boot property
	 * {@code gearman.server.shutdown-timeout} defaults to 30 s.
	 */
	private Duration shutdownTimeout = Duration.ZERO;

	/** Whether every connection starts with the "exceptions" option on (gearmand's --exceptions). */
	private boolean exceptions;

	/** Queue limit applied to every function when it is first seen, for each priority; 0 = unlimited. */
	private int defaultMaxQueue;

	/** Longest function name accepted, in bytes; libgearman's GEARMAN_FUNCTION_MAX_SIZE. */
	private int maxFunctionNameLength = 512;

	/** Most functions one worker connection may register (CAN_DO); 0 = unlimited. */
	private int maxAbilitiesPerWorker = 1000;

	/** Most functions the server knows at once; 0 = unlimited. Stored jobs replayed at start are always taken. */
	private int maxFunctions = 100_000;

	/**
	 * How long a function nobody registers, queues jobs for or configured ({@code maxqueue}, {@code create
	 * function}) is kept before it is forgotten; zero or negative = kept for ever, as gearmand does.
	 */
	private Duration idleFunctionRetention = Duration.ofMinutes(10);

	/** Most bytes of payload all live jobs may hold together; 0 = half the maximum heap. */
	private long maxQueuedBytes;

	/** Most bytes of payload the live jobs of one function may hold; 0 = no limit of its own. */
	private long maxQueuedBytesPerFunction;

	/**
	 * Unread reply bytes at which a connection stops being read and its commands wait unrun; both resume once the
	 * peer has read all but a quarter of it.
	 */
	private long replyBudgetPerConnection = 4L * 1024 * 1024;

	/** Unread reply bytes at which a connection is closed; 0 = twice the packet size limit, at least 64 MiB. */
	private long maxReplyBytesPerConnection;

	/**
	 * Unread reply bytes of all connections together above which the most backlogged connections are closed; 0 = a
	 * quarter of the maximum direct memory, at least the limit per connection.
	 */
	private long maxReplyBytes;

	/** Most simultaneous connections from one IP address; 0 = unlimited. */
	private int maxConnectionsPerAddress = 1000;

	/** How long a new connection may take to complete its first packet or admin line; zero = no limit. */
	private Duration firstPacketTimeout = Duration.ofSeconds(10);

	/**
	 * Most bytes of large-payload buffers allocated before their bytes arrived, over all connections (see
	 * {@link dev.gearman.protocol.ReadAheadBudget}): enough for a few large payloads at a time to be read straight
	 * into place, and what a peer announcing large packets on many connections can cost at most. Direct buffers are
	 * zeroed when a pool allocates them, so this is resident memory, not address space.
	 */
	private long maxReadAhead = 8L * 1024 * 1024;

	/** What happens to jobs whose attempts fail; {@code null} = gearmand's behaviour with {@link #retryLimit}. */
	private @Nullable RetryRules retryRules;

	/** How long dead letters are kept. */
	private DeadLetterSettings deadLetters = new DeadLetterSettings();

	/** Whether and how long the history of background jobs is kept. */
	private HistorySettings history = new HistorySettings();

	/** Who may submit, work and administer; {@link AccessPolicy#OPEN} (everything) unless an access list is set. */
	private AccessPolicy accessPolicy = AccessPolicy.OPEN;

	/** TLS on {@link #getPort() the port}; {@code null} (the default) for plaintext, as gearmand. */
	private @Nullable ServerTls tls;

	/**
	 * A second listener without TLS, e.g. for local tools beside a TLS port; -1 (the default) = none, 0 = a free
	 * port.
	 */
	private int plaintextPort = -1;

	/** Address of the {@link #getPlaintextPort() plaintext listener}: loopback unless told otherwise. */
	private String plaintextAddress = "127.0.0.1";

	/** Number of Netty I/O threads; 0 = Netty's default (twice the CPU count). */
	private int ioThreads;

	/** The version {@code version} reports. */
	private String version = GearmanServerSettings.class.getPackage().getImplementationVersion() != null
			? GearmanServerSettings.class.getPackage().getImplementationVersion() : "0.1.0-SNAPSHOT";

	static String defaultHandlePrefix() {
		try {
			return "H:" + InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return "H:localhost";
		}
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
		if (port < 0 || port > 65535) {
			throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
		}
		this.port = port;
	}

	public String getHandlePrefix() {
		return this.handlePrefix;
	}

	public void setHandlePrefix(String handlePrefix) {
		if (handlePrefix.isEmpty() || handlePrefix.length() > 40) {
			throw new IllegalArgumentException(
					"handlePrefix: '" + handlePrefix + "' (expected: 1..40 characters, so handles fit 64 bytes)");
		}
		this.handlePrefix = handlePrefix;
	}

	public int getRetryLimit() {
		return this.retryLimit;
	}

	public void setRetryLimit(int retryLimit) {
		if (retryLimit < 0) {
			throw new IllegalArgumentException("retryLimit: " + retryLimit + " (expected: >= 0, 0 = unlimited)");
		}
		this.retryLimit = retryLimit;
	}

	public int getWorkerWakeup() {
		return this.workerWakeup;
	}

	public void setWorkerWakeup(int workerWakeup) {
		if (workerWakeup < 0) {
			throw new IllegalArgumentException("workerWakeup: " + workerWakeup + " (expected: >= 0, 0 = all)");
		}
		this.workerWakeup = workerWakeup;
	}

	public long getMaxPacketSize() {
		return this.maxPacketSize;
	}

	public void setMaxPacketSize(long maxPacketSize) {
		if (maxPacketSize < 1024 || maxPacketSize > GearmanConstants.MAX_WIRE_PACKET_SIZE) {
			throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: 1024.."
					+ GearmanConstants.MAX_WIRE_PACKET_SIZE + ")");
		}
		this.maxPacketSize = maxPacketSize;
	}

	public int getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(int maxConnections) {
		if (maxConnections < 0) {
			throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 0)");
		}
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
		if (shutdownTimeout.isNegative()) {
			throw new IllegalArgumentException("shutdownTimeout: " + shutdownTimeout + " (expected: >= 0)");
		}
		this.shutdownTimeout = shutdownTimeout;
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
		if (defaultMaxQueue < 0) {
			throw new IllegalArgumentException("defaultMaxQueue: " + defaultMaxQueue + " (expected: >= 0)");
		}
		this.defaultMaxQueue = defaultMaxQueue;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	public String getVersion() {
		return this.version;
	}

	public void setVersion(String version) {
		this.version = version;
	}

	public int getMaxFunctionNameLength() {
		return this.maxFunctionNameLength;
	}

	public void setMaxFunctionNameLength(int maxFunctionNameLength) {
		if (maxFunctionNameLength < 1) {
			throw new IllegalArgumentException(
					"maxFunctionNameLength: " + maxFunctionNameLength + " (expected: at least 1)");
		}
		this.maxFunctionNameLength = maxFunctionNameLength;
	}

	public int getMaxAbilitiesPerWorker() {
		return this.maxAbilitiesPerWorker;
	}

	public void setMaxAbilitiesPerWorker(int maxAbilitiesPerWorker) {
		this.maxAbilitiesPerWorker = nonNegative("maxAbilitiesPerWorker", maxAbilitiesPerWorker);
	}

	public int getMaxFunctions() {
		return this.maxFunctions;
	}

	public void setMaxFunctions(int maxFunctions) {
		this.maxFunctions = nonNegative("maxFunctions", maxFunctions);
	}

	public Duration getIdleFunctionRetention() {
		return this.idleFunctionRetention;
	}

	public void setIdleFunctionRetention(Duration idleFunctionRetention) {
		this.idleFunctionRetention = idleFunctionRetention;
	}

	public long getMaxQueuedBytes() {
		return this.maxQueuedBytes;
	}

	public void setMaxQueuedBytes(long maxQueuedBytes) {
		if (maxQueuedBytes < 0) {
			throw new IllegalArgumentException("maxQueuedBytes: " + maxQueuedBytes + " (expected: >= 0)");
		}
		this.maxQueuedBytes = maxQueuedBytes;
	}

	/**
	 * The limit on all queued payload bytes that applies: the configured one, or half the maximum heap.
	 * @return bytes
	 */
	public long effectiveMaxQueuedBytes() {
		return (this.maxQueuedBytes > 0) ? this.maxQueuedBytes : Runtime.getRuntime().maxMemory() / 2;
	}

	public long getMaxQueuedBytesPerFunction() {
		return this.maxQueuedBytesPerFunction;
	}

	public void setMaxQueuedBytesPerFunction(long maxQueuedBytesPerFunction) {
		if (maxQueuedBytesPerFunction < 0) {
			throw new IllegalArgumentException(
					"maxQueuedBytesPerFunction: " + maxQueuedBytesPerFunction + " (expected: >= 0)");
		}
		this.maxQueuedBytesPerFunction = maxQueuedBytesPerFunction;
	}

	public long getReplyBudgetPerConnection() {
		return this.replyBudgetPerConnection;
	}

	public void setReplyBudgetPerConnection(long replyBudgetPerConnection) {
		if (replyBudgetPerConnection < 1024) {
			throw new IllegalArgumentException(
					"replyBudgetPerConnection: " + replyBudgetPerConnection + " (expected: >= 1024)");
		}
		this.replyBudgetPerConnection = replyBudgetPerConnection;
	}

	public long getMaxReplyBytesPerConnection() {
		return this.maxReplyBytesPerConnection;
	}

	public void setMaxReplyBytesPerConnection(long maxReplyBytesPerConnection) {
		this.maxReplyBytesPerConnection = nonNegative("maxReplyBytesPerConnection", maxReplyBytesPerConnection);
	}

	/**
	 * The unread reply bytes at which a connection is closed: the configured limit, or twice the packet size limit
	 * and at least 64 MiB, so that one reply of the largest size fits; never below the reply budget.
	 * @return bytes
	 */
	public long effectiveMaxReplyBytesPerConnection() {
		long limit = (this.maxReplyBytesPerConnection > 0) ? this.maxReplyBytesPerConnection
				: Math.max(64L * 1024 * 1024, 2 * Math.min(this.maxPacketSize, Integer.MAX_VALUE));
		return Math.max(limit, this.replyBudgetPerConnection);
	}

	public long getMaxReplyBytes() {
		return this.maxReplyBytes;
	}

	public void setMaxReplyBytes(long maxReplyBytes) {
		this.maxReplyBytes = nonNegative("maxReplyBytes", maxReplyBytes);
	}

	/**
	 * The unread reply bytes of all connections above which the most backlogged are closed: the configured limit, or
	 * a quarter of the maximum direct memory, at least the limit per connection.
	 * @return bytes
	 */
	public long effectiveMaxReplyBytes() {
		return (this.maxReplyBytes > 0) ? this.maxReplyBytes
				: Math.max(effectiveMaxReplyBytesPerConnection(), PlatformDependent.maxDirectMemory() / 4);
	}

	public int getMaxConnectionsPerAddress() {
		return this.maxConnectionsPerAddress;
	}

	public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
		this.maxConnectionsPerAddress = nonNegative("maxConnectionsPerAddress", maxConnectionsPerAddress);
	}

	public Duration getFirstPacketTimeout() {
		return this.firstPacketTimeout;
	}

	public void setFirstPacketTimeout(Duration firstPacketTimeout) {
		if (firstPacketTimeout.isNegative()) {
			throw new IllegalArgumentException("firstPacketTimeout: " + firstPacketTimeout + " (expected: >= 0)");
		}
		this.firstPacketTimeout = firstPacketTimeout;
	}

	public long getMaxReadAhead() {
		return this.maxReadAhead;
	}

	public void setMaxReadAhead(long maxReadAhead) {
		this.maxReadAhead = nonNegative("maxReadAhead", maxReadAhead);
	}

	private static long nonNegative(String name, long value) {
		if (value < 0) {
			throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
		}
		return value;
	}

	private static int nonNegative(String name, int value) {
		if (value < 0) {
			throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0, 0 for unlimited)");
		}
		return value;
	}

	public AccessPolicy getAccessPolicy() {
		return this.accessPolicy;
	}

	public void setAccessPolicy(AccessPolicy accessPolicy) {
		this.accessPolicy = accessPolicy;
	}

	public @Nullable RetryRules getRetryRules() {
		return this.retryRules;
	}

	/**
	 * Sets the retry policies; they replace {@link #setRetryLimit gearmand's retry limit}.
	 * @param retryRules the policies, {@code null} for gearmand's behaviour
	 */
	public void setRetryRules(@Nullable RetryRules retryRules) {
		this.retryRules = retryRules;
	}

	/**
	 * The retry policies that apply: those set, or gearmand's behaviour with the retry limit.
	 * @return the rules
	 */
	public RetryRules effectiveRetryRules() {
		return (this.retryRules != null) ? this.retryRules : RetryRules.of(RetryPolicy.gearmandRetries(this.retryLimit));

	}

	public @Nullable ServerTls getTls() {
		return this.tls;
	}

	public void setTls(@Nullable ServerTls tls) {
		this.tls = tls;
	}

	public int getPlaintextPort() {
		return this.plaintextPort;
	}

	public void setPlaintextPort(int plaintextPort) {
		if (plaintextPort < -1 || plaintextPort > 65535) {
			throw new IllegalArgumentException(
					"plaintextPort: " + plaintextPort + " (expected: 0..65535, or -1 for no plaintext listener)");
		}
		this.plaintextPort = plaintextPort;
	}

	public String getPlaintextAddress() {
		return this.plaintextAddress;
	}

	public void setPlaintextAddress(String plaintextAddress) {
		this.plaintextAddress = plaintextAddress;
	}

	public DeadLetterSettings getDeadLetters() {
		return this.deadLetters;
	}

	public void setDeadLetters(DeadLetterSettings deadLetters) {
		this.deadLetters = deadLetters;
	}

	public HistorySettings getHistory() {
		return this.history;
	}

	public void setHistory(HistorySettings history) {
		this.history = history;
	}

}
