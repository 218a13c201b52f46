package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored jobs are loaded only as far as the queued-bytes budget goes: at start, in sequence order, until the budget
 * is reached; the rest stays in the store and is loaded, still in sequence order, as jobs end and make room. A
 * stored queue larger than the heap so starts, and runs, in parts, instead of failing every start.
 * <p>
 * What this costs while rows wait in the store: they are not in {@code status} or {@code show jobs}, a job of a
 * higher priority among them runs only once it is loaded, and they do not coalesce. A submission with the unique id
 * of a job still in the store does not join it: a foreground one runs as a job of its own beside it, and a
 * background one takes its row over (the store replaces a row with the same function and unique id), so the job runs
 * once, with the newer payload.
 * <p>
 * Engine-thread only, except the reads of later parts, which run on a thread of their own and hand what they read
 * to the engine.
 */
final class ReplayBacklog implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ReplayBacklog.class);

	/** What a loaded job costs beyond its payload: the job, its handle and unique id, its entries in the tables. */
	static final long JOB_OVERHEAD = 256;

	/** A failed read is tried again after this long. */
	private static final long RETRY_MILLIS = 5_000;

	private final JobStore store;

	private final JobRegistry registry;

	private final FunctionTable functions;

	private final EngineLoop loop;

	private final long budget;

	/** The last sequence loaded (or skipped); the next read starts after it. */
	private long after = Long.MIN_VALUE;

	/** The last sequence stored when the engine started: the engine's own jobs come after it. */
	private long upTo;

	private boolean exhausted = true;

	private boolean loading;

	private long loadedSinceStart;

	private @Nullable ExecutorService reader;

	private volatile boolean closed;

	ReplayBacklog(JobStore store, JobRegistry registry, FunctionTable functions, EngineLoop loop, long budget) {
		this.store = store;
		this.registry = registry;
		this.functions = functions;
		this.loop = loop;
		this.budget = budget;
	}

	/** Loads what fits the budget, before the port opens; returns how many jobs were loaded. */
	long loadAtStart() {
		this.upTo = this.store.lastSequence();
		this.registry.restorer().numberAfter(this.upTo);
		long[] loaded = new long[1];
		this.store.replay(Long.MIN_VALUE, this.upTo, (job) -> {
			if (!fits(job)) {
				this.exhausted = false;
				return false;
			}
			load(job);
			loaded[0]++;
			return true;
		});
		if (!this.exhausted) {
			logger.info("Loaded {} stored jobs, as many as the queued-bytes budget of {} bytes holds; the rest stay in"
					+ " the store and are loaded in order as jobs finish", loaded[0], this.budget);
		}
		return loaded[0];
	}

	/** The batch hook: with rows left in the store and room in the budget, reads the next part. */
	void refillIfRoom() {
		if (this.exhausted || this.loading || this.closed) {
			return;
		}
		long room = this.budget - used();
		// an eighth of the budget at least, so that each read, which may sort the rest of the table, is worth it
		if (room < this.budget / 8) {
			return;
		}
		this.loading = true;
		long from = this.after;
		try {
			reader().execute(() -> read(from, room));
		}
		catch (RejectedExecutionException ex) {
			this.loading = false;
		}
	}

	/** On the reader thread: reads rows after {@code from} worth about {@code room} bytes. */
	private void read(long from, long room) {
		List<StoredJob> part = new ArrayList<>();
		long[] bytes = new long[1];
		boolean[] more = new boolean[1];
		try {
			this.store.replay(from, this.upTo, (job) -> {
				long size = cost(job);
				if (!part.isEmpty() && bytes[0] + size > room) {
					more[0] = true;
					return false;
				}
				part.add(job);
				bytes[0] += size;
				return !this.closed;
			});
			this.loop.execute(() -> loaded(part, more[0]));
		}
		catch (RuntimeException ex) {
			logger.warn("Reading stored jobs after sequence {} failed; trying again in {} ms: {}", from, RETRY_MILLIS,
					ex.getMessage());
			try {
				this.loop.execute(() -> this.loop.schedule(RETRY_MILLIS, () -> this.loading = false));
			}
			catch (RejectedExecutionException stopped) {
				// the engine has stopped
			}
		}
	}

	/** On the engine thread: loads what still fits; what does not is read again later. */
	private void loaded(List<StoredJob> part, boolean more) {
		this.loading = false;
		if (this.closed) {
			return;
		}
		int taken = 0;
		for (StoredJob job : part) {
			if (!fits(job)) {
				more = true;
				break;
			}
			load(job);
			taken++;
		}
		this.loadedSinceStart += taken;
		logger.debug("Loaded {} more stored jobs, up to sequence {}", taken, this.after);
		if (!more) {
			this.exhausted = true;
			logger.info("All stored jobs are loaded, {} of them since the start", this.loadedSinceStart);
		}
	}

	/** Whether the stored jobs are all loaded. */
	boolean isExhausted() {
		return this.exhausted;
	}

	private void load(StoredJob job) {
		this.registry.restorer().replay(job, this.functions.functionForReplay(job.function()));
		this.after = job.sequence();
	}

	/** Whether a job fits the budget now; with nothing loaded any job does, however large, so that loading goes on. */
	private boolean fits(StoredJob job) {
		return this.registry.size() == 0 || used() + cost(job) <= this.budget;
	}

	private long used() {
		return this.registry.counts().payloadBytes() + this.registry.size() * JOB_OVERHEAD;
	}

	private static long cost(StoredJob job) {
		return job.data().length + JOB_OVERHEAD;
	}

	private ExecutorService reader() {
		if (this.reader == null) {
			this.reader = Executors.newSingleThreadExecutor((task) -> {
				Thread thread = new Thread(task, "gearman-replay");
				thread.setDaemon(true);
				return thread;
			});
		}
		return this.reader;
	}

	/** Stops loading; a read under way is dropped. */
	@Override
	public void close() {
		this.closed = true;
		if (this.reader != null) {
			this.reader.shutdownNow();
		}
	}

}
