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

	private final Web web = new Web();

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

	public Web getWeb() {
		return this.web;
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

		/**
		 * Whether a call of a function that no worker has registered fails at once with GearmanNoWorkerException
		 * instead of waiting for the timeout. Needs a job server that offers the option 'fail-if-no-worker' (ours
		 * does); through gearmand such calls wait for the timeout as before.
		 */
		private boolean failIfNoWorker;

		/**
		 * Whether calls, background submissions and status queries are recorded as Micrometer observations (timers
		 * and, with tracing, spans) instead of the plain gearman.client.* timers.
		 */
		private boolean observationEnabled;

		/**
		 * Whether an observed call or submission that sets no unique id sends its trace context (W3C traceparent)
		 * as the unique id, so that the worker continues the trace.
		 */
		private boolean propagateTraceContext = true;

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

		public boolean isFailIfNoWorker() {
			return this.failIfNoWorker;
		}

		public void setFailIfNoWorker(boolean failIfNoWorker) {
			this.failIfNoWorker = failIfNoWorker;
		}

		public boolean isObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

		public boolean isPropagateTraceContext() {
			return this.propagateTraceContext;
		}

		public void setPropagateTraceContext(boolean propagateTraceContext) {
			this.propagateTraceContext = propagateTraceContext;
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

		/**
		 * Whether jobs run by @GearmanFunction methods are recorded as Micrometer observations (timers and, with
		 * tracing, spans that continue the caller's trace) instead of the plain gearman.worker.* timers.
		 */
		private boolean observationEnabled;

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

		public boolean isObservationEnabled() {
			return this.observationEnabled;
		}

		public void setObservationEnabled(boolean observationEnabled) {
			this.observationEnabled = observationEnabled;
		}

	}

	/**
	 * Web application settings.
	 */
	public static class Web {

		private final ProblemDetails problemDetails = new ProblemDetails();

		public ProblemDetails getProblemDetails() {
			return this.problemDetails;
		}

		/**
		 * Gearman failures as RFC 9457 problem details.
		 */
		public static class ProblemDetails {

			/**
			 * Whether controllers that let a Gearman exception escape answer with a problem detail whose status
			 * says what happened (422 failed, 502 worker raised, 503 no worker or server, 504 timed out).
			 */
			private boolean enabled;

			public boolean isEnabled() {
				return this.enabled;
			}

			public void setEnabled(boolean enabled) {
				this.enabled = enabled;
			}

		}

	}

}
