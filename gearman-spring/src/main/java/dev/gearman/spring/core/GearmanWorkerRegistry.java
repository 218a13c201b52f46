package dev.gearman.spring.core;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import dev.gearman.spring.observation.GearmanWorkerObservationConvention;
import dev.gearman.worker.FunctionRegistration;
import dev.gearman.worker.GearmanWorkerSettings;
import dev.gearman.worker.JobHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Holds the {@code @GearmanFunction} endpoints and runs them on one {@link GearmanWorkerContainer}, by default a
 * {@link dev.gearman.worker.GearmanWorker} connected to the job servers: started once the context is refreshed,
 * stopped gracefully on shutdown (no more jobs are taken, jobs in flight finish within the shutdown timeout). Each
 * job is measured: as an observation when an {@link ObservationRegistry} is set, else by the {@link JobRecorder}.
 */
public class GearmanWorkerRegistry implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GearmanWorkerRegistry.class);

	private final Map<String, GearmanFunctionEndpoint> endpoints = new LinkedHashMap<>();

	private final GearmanWorkerContainerFactory containerFactory;

	private final Duration shutdownTimeout;

	private final WorkerInstrumentation instrumentation = new WorkerInstrumentation();

	private volatile List<JobHandlerDecorator> decorators = List.of();

	private volatile @Nullable GearmanWorkerContainer container;

	private boolean started;

	/**
	 * Creates a registry whose handlers run on a {@link dev.gearman.worker.GearmanWorker}.
	 * @param settings the worker settings
	 * @param executor where handlers run, {@code null} for the worker's own pool
	 * @param shutdownTimeout how long to wait for jobs in flight on shutdown
	 */
	public GearmanWorkerRegistry(GearmanWorkerSettings settings, @Nullable Executor executor,
			Duration shutdownTimeout) {
		this(GearmanWorkerContainerFactory.forServers(settings, executor), shutdownTimeout);
	}

	/**
	 * Creates a registry whose handlers run on the containers of a factory.
	 * @param containerFactory makes the container
	 * @param shutdownTimeout how long to wait for jobs in flight on shutdown
	 */
	public GearmanWorkerRegistry(GearmanWorkerContainerFactory containerFactory, Duration shutdownTimeout) {
		this.containerFactory = containerFactory;
		this.shutdownTimeout = shutdownTimeout;
	}

	/**
	 * Sets what records executions, for metrics, when no observation registry is set.
	 * @param recorder the recorder
	 */
	public void setRecorder(JobRecorder recorder) {
		this.instrumentation.setRecorder(recorder);
	}

	/**
	 * Observes every execution (in place of the recorder): a timer and, with tracing, a span per job, continuing the
	 * caller's trace when the job's unique id carries it.
	 * @param registry the registry, {@code null} to use the recorder
	 */
	public void setObservationRegistry(@Nullable ObservationRegistry registry) {
		this.instrumentation.setObservationRegistry(registry);
	}

	/**
	 * Replaces the default keys and names of execution observations.
	 * @param convention the convention, {@code null} for {@code DefaultGearmanWorkerObservationConvention}
	 */
	public void setObservationConvention(@Nullable GearmanWorkerObservationConvention convention) {
		this.instrumentation.setObservationConvention(convention);
	}

	/**
	 * Sets what wraps each handler, applied to the functions registered from now on.
	 * @param decorators the decorators, the first outermost
	 */
	public void setHandlerDecorators(List<JobHandlerDecorator> decorators) {
		this.decorators = List.copyOf(decorators);
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
		GearmanWorkerContainer running = this.container;
		if (running != null) {
			running.register(prepared(endpoint));
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
	 * The running container, for health checks.
	 * @return the container, or {@code null} when stopped or without endpoints
	 */
	public @Nullable GearmanWorkerContainer getContainer() {
		return this.container;
	}

	@Override
	public synchronized void start() {
		this.started = true;
		if (this.container != null || this.endpoints.isEmpty()) {
			return;
		}
		GearmanWorkerContainer created = this.containerFactory.createContainer();
		for (GearmanFunctionEndpoint endpoint : this.endpoints.values()) {
			created.register(prepared(endpoint));
		}
		created.start();
		this.container = created;
	}

	/** The endpoint's registration, its handler decorated and measured (the measurement outermost). */
	private FunctionRegistration prepared(GearmanFunctionEndpoint endpoint) {
		FunctionRegistration registration = endpoint.toRegistration();
		JobHandler handler = registration.handler();
		List<JobHandlerDecorator> all = this.decorators;
		for (int i = all.size() - 1; i >= 0; i--) {
			handler = all.get(i).decorate(registration.name(), handler);
		}
		return this.instrumentation.measured(new FunctionRegistration(registration.name(), handler,
				registration.concurrency(), registration.timeout()));
	}

	@Override
	public void stop() {
		GearmanWorkerContainer current;
		synchronized (this) {
			current = this.container;
			this.container = null;
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
