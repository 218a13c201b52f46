package dev.gearman.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import dev.gearman.protocol.GearmanConstants;

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

}
