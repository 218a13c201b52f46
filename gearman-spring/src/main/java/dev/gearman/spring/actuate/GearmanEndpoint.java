package dev.gearman.spring.actuate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.engine.EngineSnapshot;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.store.StoreInstance;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/gearman}: what the admin protocol's {@code status}, {@code priority status}, {@code workers} and
 * {@code show jobs} report, as JSON. The report is taken on the engine thread; lists of workers and jobs are capped
 * (the totals are exact). With a store several servers share, {@code instances} lists them as the store last read
 * them: their state, last heartbeat and stored jobs.
 */
@Endpoint(id = "gearman")
public class GearmanEndpoint {

	private final GearmanServer server;

	private final int maxEntries;

	private final Duration timeout;

	/**
	 * Creates the endpoint.
	 * @param server the server
	 * @param maxEntries the largest number of workers and of jobs listed
	 * @param timeout how long to wait for the engine's report
	 */
	public GearmanEndpoint(GearmanServer server, int maxEntries, Duration timeout) {
		this.server = server;
		this.maxEntries = maxEntries;
		this.timeout = timeout;
	}

	/**
	 * The server's state, functions, workers and jobs.
	 * @return the descriptor
	 * @throws TimeoutException if the engine does not answer in time
	 */
	@ReadOperation
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
