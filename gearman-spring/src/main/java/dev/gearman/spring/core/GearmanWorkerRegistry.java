package dev.gearman.spring.core;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import dev.gearman.worker.FailJobException;
import dev.gearman.worker.FunctionRegistration;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import dev.gearman.worker.JobHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Holds the {@code @GearmanFunction} endpoints and runs them on one {@link GearmanWorker}: started once the
 * context is refreshed, stopped gracefully on shutdown (no more jobs are taken, jobs in flight finish within the
 * shutdown timeout).
 */
public class GearmanWorkerRegistry implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GearmanWorkerRegistry.class);

	private final Map<String, GearmanFunctionEndpoint> endpoints = new LinkedHashMap<>();

	private final GearmanWorkerSettings settings;

	private final @Nullable Executor executor;

	private final Duration shutdownTimeout;

	private volatile @Nullable GearmanWorker worker;

	private boolean started;

	private JobRecorder recorder = JobRecorder.NONE;

	/**
	 * Creates a registry.
	 * @param settings the worker settings
	 * @param executor where handlers run, {@code null} for the worker's own pool
	 * @param shutdownTimeout how long to wait for jobs in flight on shutdown
	 */
	public GearmanWorkerRegistry(GearmanWorkerSettings settings, @Nullable Executor executor,
			Duration shutdownTimeout) {
		this.settings = settings;
		this.executor = executor;
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Sets what records executions, for metrics.
	 * @param recorder the recorder
	 */
	public void setRecorder(JobRecorder recorder) {
		this.recorder = recorder;
	}

	/**
	 * Adds an endpoint. Ids and function names must be unique. An endpoint added while the worker runs (a lazy
	 * bean) is offered to the job servers at once.
	 * @param endpoint the endpoint
	 */
	public synchronized void register(GearmanFunctionEndpoint endpoint) {
		for (GearmanFunctionEndpoint other : this.endpoints.values()) {
			if (other.function().equals(endpoint.function())) {
				throw new IllegalStateException("Function '" + endpoint.function() + "' is served by both "
						+ other.handler() + " and " + endpoint.handler());
			}
		}
		GearmanFunctionEndpoint sameId = this.endpoints.get(endpoint.id());
		if (sameId != null) {
			throw new IllegalStateException("Endpoint id '" + endpoint.id() + "' of " + endpoint.handler()
					+ " is already used by " + sameId.handler());
		}
		this.endpoints.put(endpoint.id(), endpoint);
		GearmanWorker running = this.worker;
		if (running != null) {
			running.register(recorded(endpoint.toRegistration()));
		}
		else if (this.started) {
			start();
		}
		logger.debug("Registered {} as Gearman function '{}'", endpoint.handler(), endpoint.function());
	}

	/**
	 * Looks an endpoint up.
	 * @param id the id
	 * @return the endpoint, or {@code null}
	 */
	public synchronized @Nullable GearmanFunctionEndpoint getEndpoint(String id) {
		return this.endpoints.get(id);
	}

	/**
	 * All endpoints.
	 * @return the endpoints in registration order
	 */
	public synchronized Collection<GearmanFunctionEndpoint> getEndpoints() {
		return List.copyOf(this.endpoints.values());
	}

	/**
	 * The running worker, for health checks.
	 * @return the worker, or {@code null} when stopped or without endpoints
	 */
	public @Nullable GearmanWorker getWorker() {
		return this.worker;
	}

	@Override
	public synchronized void start() {
		this.started = true;
		if (this.worker != null || this.endpoints.isEmpty()) {
			return;
		}
		GearmanWorker created = new GearmanWorker(this.settings, this.executor);
		for (GearmanFunctionEndpoint endpoint : this.endpoints.values()) {
			created.register(recorded(endpoint.toRegistration()));
		}
		created.start();
		this.worker = created;
	}

	private FunctionRegistration recorded(FunctionRegistration registration) {
		JobRecorder jobRecorder = this.recorder;
		JobHandler handler = registration.handler();
		JobHandler timed = (job) -> {
			JobRecorder.Recording recording = jobRecorder.start("worker", registration.name());
			try {
				byte[] result = handler.execute(job);
				recording.stop("success");
				return result;
			}
			catch (Exception ex) {
				recording.stop((ex instanceof FailJobException) ? "fail" : "exception");
				throw ex;
			}
		};
		return new FunctionRegistration(registration.name(), timed, registration.concurrency(),
				registration.timeout());
	}

	@Override
	public void stop() {
		GearmanWorker current;
		synchronized (this) {
			current = this.worker;
			this.worker = null;
			this.started = false;
		}
		if (current != null) {
			boolean drained = current.stop(this.shutdownTimeout);
			logger.info("Gearman worker stopped{}", drained ? "" : " (jobs in flight did not finish in time)");
		}
	}

	@Override
	public synchronized boolean isRunning() {
		// started without endpoints still counts as running, so that stop() is called and a late endpoint starts
		return this.started;
	}

	@Override
	public int getPhase() {
		// after everything a handler may use has started, before the embedded job server stops
		return SmartLifecycle.DEFAULT_PHASE - 1024;
	}

}
