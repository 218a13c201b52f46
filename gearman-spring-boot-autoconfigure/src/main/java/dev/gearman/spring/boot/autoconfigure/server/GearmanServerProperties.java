package dev.gearman.spring.boot.autoconfigure.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.gearman.protocol.GearmanConstants;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.ServerTls;
import dev.gearman.server.access.AccessPolicy;
import dev.gearman.server.access.AccessPolicy.AdminAccess;
import dev.gearman.server.access.AccessRules;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
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
	 * Port of a second listener without TLS beside the TLS port, e.g. for local tools. Unset = none; 0 = a free
	 * port, published as 'local.gearman.plaintext-port'.
	 */
	private @Nullable Integer plaintextPort;

	/**
	 * Address of the plaintext listener. Loopback by default, so that only local peers reach it in clear text.
	 */
	private String plaintextAddress = "127.0.0.1";

	private final Ssl ssl = new Ssl();

	private final Access access = new Access();

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

	public @Nullable Integer getPlaintextPort() {
		return this.plaintextPort;
	}

	public void setPlaintextPort(@Nullable Integer plaintextPort) {
		this.plaintextPort = plaintextPort;
	}

	public String getPlaintextAddress() {
		return this.plaintextAddress;
	}

	public void setPlaintextAddress(String plaintextAddress) {
		this.plaintextAddress = plaintextAddress;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Access getAccess() {
		return this.access;
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
		if (this.plaintextPort != null) {
			settings.setPlaintextPort(this.plaintextPort);
			settings.setPlaintextAddress(this.plaintextAddress);
		}
		settings.setAccessPolicy(this.access.toPolicy());
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
	 * TLS on the Gearman port.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) with the server's key and certificate, and, when client
		 * certificates are asked for, the authorities they must chain to. Unset = no TLS.
		 */
		private @Nullable String bundle;

		/**
		 * Whether clients must present a certificate: 'none', 'want' (asked for; connections without one are
		 * anonymous) or 'need'. A presented certificate must chain to the bundle's truststore, and its subject is
		 * the connection's identity for the access rules.
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		/**
		 * How long a TLS handshake may take before the connection is closed.
		 */
		private Duration handshakeTimeout = ServerTls.DEFAULT_HANDSHAKE_TIMEOUT;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		/**
		 * Whether clients present certificates.
		 */
		public enum ClientAuth {

			/** No client certificates: every connection is anonymous. */
			NONE,

			/** Asked for: a connection without one is anonymous, one with a bad one is refused. */
			WANT,

			/** Required: a connection without a valid certificate is refused. */
			NEED

		}

	}

	/**
	 * Who may submit, work and administer on the Gearman port.
	 */
	public static class Access {

		/**
		 * Access rules. A request is allowed when a rule for its identity grants it, and refused otherwise. No
		 * rules = everyone may do everything, as gearmand.
		 */
		private List<Rule> rules = new ArrayList<>();

		public List<Rule> getRules() {
			return this.rules;
		}

		public void setRules(List<Rule> rules) {
			this.rules = rules;
		}

		/**
		 * The policy these rules make: open without rules, an access list otherwise.
		 * @return the policy
		 */
		public AccessPolicy toPolicy() {
			if (this.rules.isEmpty()) {
				return AccessPolicy.OPEN;
			}
			AccessRules.Builder builder = AccessRules.builder();
			for (int i = 0; i < this.rules.size(); i++) {
				Rule rule = this.rules.get(i);
				String key = "gearman.server.access.rules[" + i + "]";
				String identity = rule.getIdentity();
				if (identity == null || identity.isBlank()) {
					throw new InvalidConfigurationPropertyValueException(key + ".identity", identity,
							"Every rule names the identities it is for: a certificate subject such as"
									+ " 'CN=billing,O=Example', a pattern such as 'CN=billing,*', or 'anonymous'.");
				}
				if (rule.getSubmit().isEmpty() && rule.getWork().isEmpty() && rule.getAdmin() == null) {
					// most likely a misspelt key, which binding ignores: say so rather than deny silently
					throw new InvalidConfigurationPropertyValueException(key, identity,
							"The rule grants nothing: set its submit, work or admin.");
				}
				builder.rule(identity.trim(), (grants) -> {
					grants.submit(rule.getSubmit().toArray(new String[0]));
					grants.work(rule.getWork().toArray(new String[0]));
					if (rule.getAdmin() != null) {
						grants.admin(rule.getAdmin());
					}
				});
			}
			return builder.build();
		}

	}

	/**
	 * One access rule: what the identities it matches may do. Patterns are globs: '*' matches any run of
	 * characters.
	 */
	public static class Rule {

		/**
		 * Identities the rule is for: a client-certificate subject in RFC 2253 form (e.g. 'CN=billing,O=Example'),
		 * a pattern ('CN=billing,*'), or 'anonymous' for connections without a certificate.
		 */
		private @Nullable String identity;

		/**
		 * Function-name patterns whose jobs these identities may submit and query the status of.
		 */
		private List<String> submit = new ArrayList<>();

		/**
		 * Function-name patterns these identities may register as workers for (CAN_DO), reading their payloads and
		 * reporting their results.
		 */
		private List<String> work = new ArrayList<>();

		/**
		 * Admin commands these identities may use: 'read' (status, workers, show jobs, ...) or 'write' (also cancel
		 * job, maxqueue, create and drop function). Unset = none.
		 */
		private @Nullable AdminAccess admin;

		public @Nullable String getIdentity() {
			return this.identity;
		}

		public void setIdentity(@Nullable String identity) {
			this.identity = identity;
		}

		public List<String> getSubmit() {
			return this.submit;
		}

		public void setSubmit(List<String> submit) {
			this.submit = submit;
		}

		public List<String> getWork() {
			return this.work;
		}

		public void setWork(List<String> work) {
			this.work = work;
		}

		public @Nullable AdminAccess getAdmin() {
			return this.admin;
		}

		public void setAdmin(@Nullable AdminAccess admin) {
			this.admin = admin;
		}

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
