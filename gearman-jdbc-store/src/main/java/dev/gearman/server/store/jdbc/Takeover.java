package dev.gearman.server.store.jdbc;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.store.StoreInstance;
import dev.gearman.server.store.StoredJob;
import dev.gearman.server.store.jdbc.JobClaims.ClaimOutcomeUnknownException;
import dev.gearman.server.store.jdbc.JobClaims.Release;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The takeover thread of a server that joined the store's database. Every heartbeat interval it reads the
 * registered servers (the view health and the actuator show) and, on a shared database and while this server's own
 * ownership is proven, claims the rows of servers whose lease ran out or that left, and of nobody, and hands them
 * to the engine through {@link Membership#adopt}. It also writes at once the releases of a server that shuts down;
 * from the first release on it takes nothing over (it would take its own released jobs back).
 */
final class Takeover {

	private static final Logger logger = LoggerFactory.getLogger(Takeover.class);

	/** How long the row of a server that is gone and owns nothing stays, for the actuator to show. */
	private static final long FORGET_AFTER_MILLIS = TimeUnit.HOURS.toMillis(1);

	/** How long the thread gathers releases before it writes them. */
	private static final long RELEASE_GATHER_MILLIS = 20;

	/** How many rounds pass between looks for rows of servers that are not registered any more. */
	private static final long UNREGISTERED_SWEEP_ROUNDS = 600;

	private final JdbcJobStoreSettings settings;

	private final InstanceRegistry registry;

	private final JobClaims claims;

	private final Membership membership;

	/** Rows to give up; the thread waits on this queue, so a release is written at once. */
	private final LinkedBlockingQueue<Release> releases = new LinkedBlockingQueue<>();

	private volatile boolean running = true;

	/** Whether the server gives its jobs up (it shuts down): it takes none over any more. */
	private volatile boolean releasing;

	private volatile List<StoreInstance> instances = List.of();

	/** Rounds so far; every so many the thread looks for rows of servers not registered any more. */
	private long rounds;

	private @Nullable Thread thread;

	Takeover(JdbcJobStoreSettings settings, InstanceRegistry registry, JobClaims claims, Membership membership) {
		this.settings = settings;
		this.registry = registry;
		this.claims = claims;
		this.membership = membership;
	}

	List<StoreInstance> instances() {
		return this.instances;
	}

	void start() {
		Thread loop = new Thread(this::loop, "gearman-store-takeover");
		loop.setDaemon(true);
		loop.start();
		this.thread = loop;
	}

	/** Stops the thread; the releases still queued are written by {@link #writeReleases}. */
	void stop() {
		this.running = false;
		Thread loop = this.thread;
		if (loop != null) {
			loop.interrupt();
			try {
				loop.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void loop() {
		long interval = this.settings.getHeartbeatInterval().toNanos();
		long next = System.nanoTime() + interval;
		while (this.running) {
			try {
				Release release = this.releases.poll(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
				if (release != null) {
					// the engine releases all its waiting jobs in one go: write them in one batch
					Thread.sleep(RELEASE_GATHER_MILLIS);
					this.releases.add(release);
					writeReleases();
					continue;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
			next = System.nanoTime() + interval;
			refresh(this.membership.isShared(), false);
		}
	}

	/**
	 * Reads the registered servers; with {@code takeOver}, and while this server's own ownership is proven, takes
	 * over the rows of those whose lease ran out (or who left) and of nobody, and forgets servers long gone.
	 */
	void refresh(boolean takeOver) {
		refresh(takeOver, false);
	}

	/**
	 * As {@link #refresh(boolean)}; with {@code claimOnly} (while the server joins) rows are only made this server's,
	 * not read: the replay that follows reads them as far as the engine's queued-bytes budget goes.
	 */
	private void refresh(boolean takeOver, boolean claimOnly) {
		List<InstanceRegistry.Registered> servers;
		try {
			servers = this.registry.list();
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Could not read {}", InstanceRegistry.NAME, ex);
			return;
		}
		String self = this.membership.ownerId();
		List<StoreInstance> view = new ArrayList<>(servers.size());
		for (InstanceRegistry.Registered server : servers) {
			view.add(server.toInstance(self));
		}
		this.instances = List.copyOf(view);
		if (!takeOver || this.releasing || !this.membership.ownershipProven()) {
			return;
		}
		if (++this.rounds % UNREGISTERED_SWEEP_ROUNDS == 0) {
			// a server is forgotten an hour after its lease ran out; a write of its that came later still runs
			takeOverUnregistered(claimOnly);
		}
		takeOver(null, "no server (released, or stored before servers shared the database)", claimOnly);
		for (InstanceRegistry.Registered server : servers) {
			if (server.isAlive() || server.id().equals(self)) {
				continue;
			}
			int taken = takeOver(server.id(), describe(server), claimOnly);
			if (taken == 0 && server.nowMillis() - server.expiresMillis() > FORGET_AFTER_MILLIS) {
				forget(server.id());
			}
		}
	}

	private static String describe(InstanceRegistry.Registered server) {
		return server.id() + " ('" + server.name() + "', " + ((server.leftMillis() != 0) ? "left"
				: "lease ran out, last heartbeat " + (server.nowMillis() - server.heartbeatMillis()) + " ms ago") + ")";
	}

	/** Rows left by servers that are not registered any more: taken at start, and now and then. */
	private void takeOverUnregistered(boolean claimOnly) {
		try {
			for (String owner : this.claims.unregisteredOwners()) {
				takeOver(owner, owner + " (not registered)", claimOnly);
			}
		}
		catch (SQLException ex) {
			logger.warn("Could not look for jobs of servers that are not registered: {}", ex.getMessage());
		}
	}

	/**
	 * Claims a dead server's rows batch by batch and hands each batch to the engine.
	 * @return the jobs taken over
	 */
	private int takeOver(@Nullable String from, String description, boolean claimOnly) {
		if (claimOnly) {
			return claimAll(from, description);
		}
		int total = 0;
		while (this.running) {
			String to = this.membership.ownerId();
			List<StoredJob> batch;
			try {
				batch = this.claims.claim(from, to);
			}
			catch (ClaimOutcomeUnknownException ex) {
				logger.warn("A claim of {} jobs of {} may have committed or not: running them", ex.jobs().size(),
						description);
				batch = ex.jobs();
			}
			catch (SQLException | RuntimeException ex) {
				logger.debug("Taking over the jobs of {} failed", description, ex);
				break;
			}
			if (batch.isEmpty()) {
				break;
			}
			if (!this.membership.adopt(to, batch)) {
				logger.debug("The engine stopped before it could adopt {} jobs of {}", batch.size(), description);
				break;
			}
			total += batch.size();
			if (batch.size() < JobClaims.BATCH) {
				break;
			}
		}
		if (total > 0) {
			logger.info("Took over {} stored jobs of {}", total, description);
		}
		return total;
	}

	/** Takes over every row of a server before the replay; the replay reads them. */
	private int claimAll(@Nullable String from, String description) {
		try {
			int claimed = this.claims.claimAll(from, this.membership.ownerId());
			if (claimed > 0) {
				logger.info("Took over {} stored jobs of {}", claimed, description);
			}
			return claimed;
		}
		catch (SQLException | RuntimeException ex) {
			logger.warn("Taking over the jobs of {} failed: {}", description, ex.getMessage());
			return 0;
		}
	}

	/**
	 * Takes over, before the replay, the rows of nobody and of servers gone or not registered: made this server's
	 * without being read, for the replay to load.
	 */
	void claimAtJoin() {
		takeOverUnregistered(true);
		refresh(true, true);
	}

	private void forget(String server) {
		try {
			this.registry.forget(server, FORGET_AFTER_MILLIS);
		}
		catch (SQLException ex) {
			logger.debug("Could not forget server {}", server, ex);
		}
	}

	/** Queues a row to give up; the thread writes it at once, with those queued meanwhile. */
	void release(Release release) {
		this.releasing = true;
		this.releases.add(release);
	}

	/** Writes the queued releases in one batch. */
	void writeReleases() {
		List<Release> batch = new ArrayList<>();
		this.releases.drainTo(batch);
		if (batch.isEmpty()) {
			return;
		}
		try {
			this.claims.release(batch);
			logger.info("Released {} stored jobs for the other servers to run", batch.size());
		}
		catch (SQLException ex) {
			// they stay this server's, and are taken over once it has left
			logger.warn("Could not release {} stored jobs ({}); the other servers take them over once this server"
					+ " has left", batch.size(), ex.getMessage());
		}
	}

}
