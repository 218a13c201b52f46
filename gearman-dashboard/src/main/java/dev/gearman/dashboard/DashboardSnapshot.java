package dev.gearman.dashboard;

import java.time.Instant;
import java.util.List;

import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.store.StoreInstance;
import org.jspecify.annotations.Nullable;

/**
 * The job server at one moment, as every open dashboard shows it: taken once per refresh interval and shared.
 *
 * @param takenAt when it was taken
 * @param server the listener
 * @param store where background jobs are kept
 * @param totals counts over all functions
 * @param functions every function, sorted by name
 * @param workers the worker connections, at most {@link DashboardSnapshots#MAX_WORKERS}, in connection order
 */
public record DashboardSnapshot(Instant takenAt, ServerInfo server, StoreInfo store, Totals totals,
		List<FunctionRow> functions, List<EngineReport.WorkerInfo> workers) {

	/**
	 * The listener.
	 *
	 * @param state NEW, REPLAYING, RUNNING, DRAINING or STOPPED
	 * @param port the Gearman port, -1 if not bound
	 * @param version the version the server reports
	 * @param startedAt when it started listening, {@code null} if it has not
	 */
	public record ServerInfo(String state, int port, String version, @Nullable Instant startedAt) {
	}

	/**
	 * Where background jobs are kept.
	 *
	 * @param kind what kind of store: {@code jdbc}, {@code memory} or the class name of another
	 * @param durable whether jobs outlive the process
	 * @param available whether it takes writes now
	 * @param lastFailure why it does not, if known
	 * @param instances the servers sharing the store (its table of instances, as last read: state, last heartbeat,
	 * stored jobs held), empty unless the store is shared
	 */
	public record StoreInfo(String kind, boolean durable, boolean available, @Nullable String lastFailure,
			List<StoreInstance> instances) {
	}

	/**
	 * Counts over all functions.
	 *
	 * @param queued jobs ready to be handed out
	 * @param running jobs held by workers
	 * @param waiting failed jobs waiting for their next attempt
	 * @param scheduled epoch jobs whose time has not come
	 * @param dead dead letters kept, {@code null} if the store did not answer in time
	 * @param workers worker connections (that registered a function)
	 * @param connections open connections
	 * @param functions functions the server knows
	 * @param completed jobs completed since the server started
	 * @param failed jobs that ended failed or dead since the server started
	 */
	public record Totals(int queued, int running, int waiting, int scheduled, @Nullable Long dead, int workers,
			int connections, int functions, long completed, long failed) {
	}

}
