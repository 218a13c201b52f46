package dev.gearman.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineQueries;
import dev.gearman.server.engine.EngineReport;
import dev.gearman.server.engine.EngineSnapshot;
import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.operations.ServerOperations;
import dev.gearman.server.store.JobStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one snapshot of the job server that every open dashboard reads: taken at most once per refresh interval, and
 * only when someone asks, so that any number of browsers cost the engine one snapshot per interval and nobody
 * watching costs it nothing. A request that finds the snapshot older than the interval starts a new one on this
 * class's thread and is answered with the old one while it is recent enough; one that finds it much older (nobody
 * watched for a while) waits for the new one. Thread-safe.
 */
public final class DashboardSnapshots implements AutoCloseable {

	/** The most worker connections a snapshot lists. */
	public static final int MAX_WORKERS = 10_000;

	/**
	 * The most functions a snapshot lists per worker (with their number): a worker may register a thousand, and every
	 * snapshot would copy them all on the engine thread.
	 */
	public static final int MAX_FUNCTIONS_PER_WORKER = 20;

	/** How long the engine and the store have to answer. */
	static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** A snapshot older than this many intervals is not shown while a new one is taken: the request waits. */
	private static final int STALE_INTERVALS = 5;

	private static final Logger logger = LoggerFactory.getLogger(DashboardSnapshots.class);

	private final GearmanServer server;

	private final long intervalNanos;

	private final LongSupplier nanoClock;

	private final ExecutorService executor = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "gearman-dashboard");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicLong taken = new AtomicLong();

	private volatile @Nullable Taken last;

	private @Nullable CompletableFuture<Taken> inFlight;

	/** Whether the last count of dead letters failed; snapshot thread only. */
	private boolean deadLettersFailing;

	/**
	 * Creates the snapshots of a server.
	 * @param server the server
	 * @param interval the shortest time between two snapshots
	 */
	public DashboardSnapshots(GearmanServer server, Duration interval) {
		this(server, interval, System::nanoTime);
	}

	DashboardSnapshots(GearmanServer server, Duration interval, LongSupplier nanoClock) {
		this.server = server;
		this.intervalNanos = Math.max(1, interval.toNanos());
		this.nanoClock = nanoClock;
	}

	/**
	 * The snapshot to show now: the shared one, renewed if it is older than the interval.
	 * @return the snapshot
	 * @throws DashboardException if there is none and none could be taken in time
	 */
	public DashboardSnapshot current() {
		Taken known = this.last;
		long now = this.nanoClock.getAsLong();
		if (known != null && now - known.nanos < this.intervalNanos) {
			return known.snapshot;
		}
		CompletableFuture<Taken> next = refresh();
		if (known != null && now - known.nanos < STALE_INTERVALS * this.intervalNanos) {
			return known.snapshot;
		}
		try {
			return next.get(2 * TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).snapshot;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw DashboardException.unavailable("interrupted");
		}
		catch (ExecutionException | TimeoutException ex) {
			if (known != null) {
				return known.snapshot;
			}
			throw DashboardException.unavailable("the job server did not answer in time");
		}
	}

	/**
	 * How many snapshots were taken since start.
	 * @return the number
	 */
	public long taken() {
		return this.taken.get();
	}

	/**
	 * Starts a snapshot unless one is being taken already, or one was taken within the interval since the caller
	 * looked (a request that found none must not start a second one just after the first completed).
	 */
	private synchronized CompletableFuture<Taken> refresh() {
		Taken known = this.last;
		if (known != null && this.nanoClock.getAsLong() - known.nanos < this.intervalNanos) {
			return CompletableFuture.completedFuture(known);
		}
		if (this.inFlight == null) {
			CompletableFuture<Taken> next = CompletableFuture.supplyAsync(this::take, this.executor);
			this.inFlight = next;
			next.whenComplete((done, failure) -> {
				synchronized (this) {
					// the new snapshot is known before the next refresh may start another
					if (done != null) {
						this.last = done;
					}
					this.inFlight = null;
				}
				if (done == null) {
					logger.debug("No snapshot of the job server for the dashboard: {}", failure.toString());
				}
			});
			return next;
		}
		return this.inFlight;
	}

	private Taken take() {
		Taken previous = this.last;
		long nanos = this.nanoClock.getAsLong();
		DashboardSnapshot snapshot = snapshot(previous, nanos);
		this.taken.incrementAndGet();
		return new Taken(snapshot, nanos);
	}

	private DashboardSnapshot snapshot(@Nullable Taken previous, long nanos) {
		JobStore store = this.server.store();
		DashboardSnapshot.StoreInfo storeInfo = new DashboardSnapshot.StoreInfo(kind(store), store.isDurable(),
				store.isAvailable(), store.lastFailure(), store.instances());
		DashboardSnapshot.ServerInfo serverInfo = new DashboardSnapshot.ServerInfo(this.server.state().name(),
				this.server.port(), this.server.version(), this.server.startedAt());
		JobEngine engine = this.server.engine();
		if (engine == null || !this.server.isRunning()) {
			return new DashboardSnapshot(Instant.now(), serverInfo, storeInfo,
					new DashboardSnapshot.Totals(0, 0, 0, 0, null, 0, 0, 0, 0, 0), List.of(), List.of());
		}
		// three questions, each answered on the engine thread at once; the dead letters on the operations thread
		CompletableFuture<EngineReport> report = engine.report(MAX_WORKERS, 0, MAX_FUNCTIONS_PER_WORKER);
		CompletableFuture<List<EngineQueries.FunctionStatistics>> statistics = engine.queries().statistics();
		CompletableFuture<EngineQueries.Counters> counters = engine.queries().counters();
		Map<String, Long> dead = deadLetters();
		EngineReport engineReport = await(report);
		Map<String, EngineQueries.FunctionStatistics> byName = new HashMap<>();
		for (EngineQueries.FunctionStatistics each : await(statistics)) {
			byName.put(each.function(), each);
		}
		EngineQueries.Counters totals = await(counters);
		Map<String, FunctionRow> before = new HashMap<>();
		double seconds = 0;
		if (previous != null) {
			seconds = (nanos - previous.nanos) / 1e9;
			for (FunctionRow row : previous.snapshot.functions()) {
				before.put(row.name(), row);
			}
		}
		List<FunctionRow> rows = new ArrayList<>(engineReport.functions().size());
		for (EngineSnapshot.FunctionStatus status : engineReport.functions()) {
			rows.add(FunctionRow.of(status, byName.get(status.name()), before.get(status.name()), seconds,
					(dead != null) ? dead.getOrDefault(status.name(), 0L) : 0));
		}
		Long deadTotal = (dead != null) ? dead.values().stream().mapToLong(Long::longValue).sum() : null;
		return new DashboardSnapshot(Instant.now(), serverInfo, storeInfo,
				new DashboardSnapshot.Totals(totals.queued(), totals.running(), totals.waiting(), totals.scheduled(),
						deadTotal, engineReport.workerCount(), totals.connections(), rows.size(),
						totals.completed(), totals.failed()),
				List.copyOf(rows), engineReport.workers());
	}

	/** Dead letters per function, or {@code null} if the store does not answer in time. */
	private @Nullable Map<String, Long> deadLetters() {
		ServerOperations operations = this.server.operations();
		if (operations == null) {
			return null;
		}
		try {
			Map<String, Long> counts = operations.deadLetters().counts().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			this.deadLettersFailing = false;
			return counts;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | TimeoutException | RuntimeException ex) {
			// once per outage: the dashboard shows '–' meanwhile
			if (!this.deadLettersFailing) {
				this.deadLettersFailing = true;
				logger.warn("No dead letter counts for the dashboard: {}", ex.toString());
			}
			return null;
		}
	}

	private static <T> T await(CompletableFuture<T> future) {
		try {
			return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw DashboardException.unavailable("interrupted");
		}
		catch (ExecutionException | TimeoutException ex) {
			throw DashboardException.unavailable("the job server did not answer in time");
		}
	}

	/** What kind of store, in a word. */
	static String kind(JobStore store) {
		String name = store.getClass().getSimpleName();
		if (name.equals("JdbcJobStore")) {
			return "jdbc";
		}
		return store.isDurable() ? name : "memory";
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

	private record Taken(DashboardSnapshot snapshot, long nanos) {
	}

}
