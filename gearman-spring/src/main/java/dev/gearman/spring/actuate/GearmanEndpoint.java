package dev.gearman.spring.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.engine.EngineSnapshot;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.store.StoreInstance;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/gearman}: what the admin protocol's {@code status}, {@code priority status}, {@code workers} and
 * {@code show jobs} report, as JSON. The report is taken on the engine thread; lists of workers and jobs are capped
 * (the totals are exact). With a store several servers share, {@code instances} lists them as the store last read
 * them: their state, last heartbeat and stored jobs.
 * <p>
 * Unique ids (which often carry business keys) and client ids are values, shown as the configured {@link Show}
 * says: to every caller, never, or only to authorized ones (with roles, only to those in one of them). Hidden
 * values read {@value #REDACTED}.
 */
@Endpoint(id = "gearman")
public class GearmanEndpoint {

	/** What a hidden unique id or client id reads. */
	public static final String REDACTED = "******";

	private final GearmanServer server;

	private final int maxEntries;

	private final Duration timeout;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Creates an endpoint that shows every value.
	 * @param server the server
	 * @param maxEntries the largest number of workers and of jobs listed
	 * @param timeout how long to wait for the engine's report
	 */
	public GearmanEndpoint(GearmanServer server, int maxEntries, Duration timeout) {
		this(server, maxEntries, timeout, Show.ALWAYS, Set.of());
	}

	/**
	 * Creates the endpoint.
	 * @param server the server
	 * @param maxEntries the largest number of workers and of jobs listed
	 * @param timeout how long to wait for the engine's report
	 * @param showValues when unique ids and client ids are shown
	 * @param roles with {@link Show#WHEN_AUTHORIZED}, the roles that see them; empty for every authenticated caller
	 */
	public GearmanEndpoint(GearmanServer server, int maxEntries, Duration timeout, Show showValues,
			Set<String> roles) {
		this.server = server;
		this.maxEntries = maxEntries;
		this.timeout = timeout;
		this.showValues = showValues;
		this.roles = Set.copyOf(roles);
	}

	/**
	 * The server's state, functions, workers and jobs, with unique ids and client ids if the caller may see them.
	 * @param securityContext who asks
	 * @return the descriptor
	 * @throws TimeoutException if the engine does not answer in time
	 */
	@ReadOperation
	public GearmanDescriptor gearman(SecurityContext securityContext) throws Exception {
		GearmanDescriptor report = gearman();
		return this.showValues.isShown(securityContext, this.roles) ? report : redacted(report);
	}

	private static GearmanDescriptor redacted(GearmanDescriptor report) {
		List<EngineReport.WorkerInfo> workers = new ArrayList<>(report.workers().size());
		for (EngineReport.WorkerInfo w : report.workers()) {
			workers.add(new EngineReport.WorkerInfo(w.id(), w.address(), REDACTED, w.identity(), w.functions(),
					w.runningJobs(), w.sleeping(), w.connectedSince(), w.runningHandles(), w.functionCount()));
		}
		List<EngineReport.JobInfo> jobs = new ArrayList<>(report.jobs().size());
		for (EngineReport.JobInfo j : report.jobs()) {
			jobs.add(new EngineReport.JobInfo(j.handle(), j.function(), j.unique().isEmpty() ? "" : REDACTED,
					j.priority(), j.state(), j.background(), j.retries(), j.persisted(), j.worker(), j.clients(),
					j.whenToRun(), j.dueMillis()));
		}
		return new GearmanDescriptor(report.server(), report.functions(), workers, report.workerCount(), jobs,
				report.jobCount(), report.instances());
	}

	/**
	 * The server's state, functions, workers and jobs, every value shown: for callers inside the application.
	 * @return the descriptor
	 * @throws TimeoutException if the engine does not answer in time
	 */
	public GearmanDescriptor gearman() throws Exception {
		JobEngine engine = this.server.engine();
		ServerDescriptor server = new ServerDescriptor(this.server.state().name(),
				(this.server.port() > 0) ? this.server.port() : null, this.server.connections());
		List<StoreInstance> instances = this.server.store().instances();
		if (engine == null || !this.server.isRunning()) {
			return new GearmanDescriptor(server, List.of(), List.of(), 0, List.of(), 0, instances);
		}
		EngineReport report = engine.report(this.maxEntries).get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		return new GearmanDescriptor(server, report.functions(), report.workers(), report.workerCount(),
				report.jobs(), report.jobCount(), instances);
	}

	/**
	 * The endpoint's answer.
	 *
	 * @param server the listener's state
	 * @param functions every function with its queued (per priority), running and worker counts
	 * @param workers worker connections with their functions, capped
	 * @param workerCount all worker connections
	 * @param jobs jobs, capped
	 * @param jobCount all jobs
	 * @param instances the servers sharing the store, empty unless it is shared
	 */
	public record GearmanDescriptor(ServerDescriptor server, List<EngineSnapshot.FunctionStatus> functions,
			List<EngineReport.WorkerInfo> workers, int workerCount, List<EngineReport.JobInfo> jobs, int jobCount,
			List<StoreInstance> instances) {
	}

	/**
	 * The listener.
	 *
	 * @param state NEW, REPLAYING, RUNNING, DRAINING or STOPPED
	 * @param port the bound port, if bound
	 * @param connections open connections
	 */
	public record ServerDescriptor(String state, @Nullable Integer port, int connections) {
	}

}
