package dev.gearman.spring.boot.autoconfigure;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of Gearman clients and workers.
 */
@ConfigurationProperties("gearman")
public class GearmanProperties {

	/**
	 * Job servers as host:port, used by this application's clients and workers. When unset: the embedded server
	 * if gearman.server.enabled=true, else 127.0.0.1:4730. When set, exactly these are used, even if an embedded
	 * server runs (list it here to use it too).
	 */
	private @Nullable List<String> servers;

	/**
	 * Charset of String workloads and results.
	 */
	private Charset charset = StandardCharsets.UTF_8;

	/**
	 * TCP connect timeout.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	private final Ssl ssl = new Ssl();

	private final Client client = new Client();

	private final Worker worker = new Worker();

	public @Nullable List<String> getServers() {
		return this.servers;
	}

	public void setServers(@Nullable List<String> servers) {
		this.servers = servers;
	}

	public Charset getCharset() {
		return this.charset;
	}

	public void setCharset(Charset charset) {
		this.charset = charset;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	public Client getClient() {
		return this.client;
	}

	public Worker getWorker() {
		return this.worker;
	}

	/**
	 * TLS from this application's clients and workers to their job servers.
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) whose truststore holds the authorities job servers'
		 * certificates must chain to (the JDK's defaults without one), and whose keystore, if any, holds the client
		 * certificate to present. Unset = plaintext.
		 */
		private @Nullable String bundle;

		/**
		 * Whether a job server's certificate must name the host or IP address it is reached by, as HTTPS checks.
		 */
		private boolean verifyHostname = true;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public boolean isVerifyHostname() {
			return this.verifyHostname;
		}

		public void setVerifyHostname(boolean verifyHostname) {
			this.verifyHostname = verifyHostname;
		}

	}

	/**
	 * Client settings.
	 */
	public static class Client {

		/**
		 * How long a call may take before it fails with a timeout exception.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		/**
		 * Id the client announces (SET_CLIENT_ID), shown by the admin command 'workers'.
		 */
		private @Nullable String id;

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public @Nullable String getId() {
			return this.id;
		}

		public void setId(@Nullable String id) {
			this.id = id;
		}

	}

	/**
	 * Worker settings.
	 */
	public static class Worker {

		/**
		 * Whether @GearmanFunction methods take jobs.
		 */
		private boolean enabled = true;

		/**
		 * Id the worker announces (SET_CLIENT_ID), shown by the admin command 'workers'.
		 */
		private @Nullable String id;

		/**
		 * Most jobs run at once by this application, across functions.
		 */
		private int concurrency = 4;

		/**
		 * How long shutdown waits for jobs in flight to finish.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getId() {
			return this.id;
		}

		public void setId(@Nullable String id) {
			this.id = id;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

}
