package dev.gearman.server.store.jdbc;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.store.JobOwner;
import dev.gearman.server.store.OwnedElsewhereException;
import dev.gearman.server.store.StoreInstance;
import dev.gearman.server.store.StoredJob;
import dev.gearman.server.store.jdbc.StoreOperation.Insert;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's membership of the store's database: registered in {@code gearman_instance} with a lease that a
 * heartbeat renews, proving to the engine with each heartbeat that it still owns its stored jobs (a server stops
 * handing them out before the others may take them over: at its last successful heartbeat plus the lease, less one
 * heartbeat interval, by its own monotonic clock). On a shared database (PostgreSQL, MySQL/MariaDB) its
 * {@link Takeover} thread claims the rows of servers whose lease ran out, or that left, and hands them to the engine. A server that
 * learns its own lease ran out hands its stored jobs over (the others own them now) and joins again under a new
 * instance id. On H2, which one server must have alone, a server that finds another one alive refuses to start.
 * <p>
 * The instance id a row is written with is taken when the engine stores the job; the answer to its commit checks
 * it under the same lock that changes the id and tells the engine to hand its jobs over, so an insert that
 * committed for an id this server has just given up is answered with {@link OwnedElsewhereException}: the job is
 * stored, and runs on the server that takes it over.
 */
final class Membership {

	private static final Logger logger = LoggerFactory.getLogger(Membership.class);

	private static final char[] SCOPE_CHARACTERS = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

	private final JdbcJobStoreSettings settings;

	private final InstanceRegistry registry;

	private final JobClaims claims;

	private final boolean shared;

	private final String scope;

	private final Object identity = new Object();


	private int registrations;

	private volatile @Nullable String id;

	private volatile @Nullable JobOwner owner;

	/** The end of the ownership the last heartbeat proved, by the owner's clock. */
	private volatile long provenUntilNanos;

	/** Whether the heartbeat runs; it stops last. */
	private volatile boolean beating;


	private @Nullable Thread heartbeat;

	private final Takeover takeover;

	/** Whether the heartbeat failed since it last succeeded (one log line per outage). */
	private boolean beatFailing;

	Membership(JdbcJobStoreSettings settings, InstanceRegistry registry, JobClaims claims, boolean shared) {
		this.settings = settings;
		this.registry = registry;
		this.claims = claims;
		this.shared = shared;
		this.scope = newScope();
		this.takeover = new Takeover(settings, registry, claims, this);
	}

	private static String newScope() {
		SecureRandom random = new SecureRandom();
		char[] scope = new char[8];
		for (int i = 0; i < scope.length; i++) {
			scope[i] = SCOPE_CHARACTERS[random.nextInt(SCOPE_CHARACTERS.length)];
		}
		return new String(scope);
	}

	boolean isShared() {
		return this.shared;
	}

	boolean isJoined() {
		return this.owner != null;
	}

	/** A short tag of this process, in the job handles and the instance ids. */
	String scope() {
		return this.scope;
	}

	/** The instance id rows are written with now, {@code null} before the server joined. */
	@Nullable String ownerId() {
		return this.id;
	}

	/**
	 * Whether rows are this server's and others': it joined a shared database. A store that did not join (tests of
	 * the store alone, tools) treats the table as its own, as on H2.
	 */
	boolean sharesRows() {
		return this.shared && this.id != null;
	}

	/** The instance id that checks a write on a shared database: a server's own rows only. */
	@Nullable String checkedOwner() {
		return this.shared ? this.id : null;
	}

	List<StoreInstance> instances() {
		return this.takeover.instances();
	}

	/**
	 * Registers the server and, on a shared database, takes over what servers that stopped left, before the
	 * server opens its port; on H2 waits out the lease of a server that may have stopped, and refuses to start if
	 * it is alive.
	 */
	void join(JobOwner server) {
		long lease = this.settings.getLease().toMillis();
		long interval = this.settings.getHeartbeatInterval().toMillis();
		if (lease < 3 * interval) {
			throw new IllegalStateException("lease: " + lease + " ms (expected: at least three heartbeat intervals, "
					+ 3 * interval + " ms, so that a server proves its ownership a few times per lease)");
		}
		synchronized (this.identity) {
			if (this.owner != null) {
				throw new IllegalStateException("the job store has a server already (expected: one store per server)");
			}
			this.owner = server;
		}
		this.beating = true;
		try {
			register(server);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not register this server in " + InstanceRegistry.NAME + ": "
					+ ex.getMessage(), ex);
		}
		this.heartbeat = start("gearman-store-heartbeat", this::heartbeatLoop);
		if (!this.shared) {
			awaitNoOtherServer();
		}
		else {
			this.takeover.claimAtJoin();
		}
		this.takeover.refresh(false);
		this.takeover.start();
		long others = instances().stream().filter((i) -> !i.self() && i.state() == StoreInstance.State.ALIVE)
			.count();
		logger.info("Joined the job store as {} ('{}'): lease {} ms, heartbeat every {} ms, {} other servers alive{}",
				this.id, this.settings.getInstanceName(), this.settings.getLease().toMillis(),
				this.settings.getHeartbeatInterval().toMillis(), others, this.shared ? "" : " (H2: this server alone)");
	}

	private void register(JobOwner server) throws SQLException {
		String next = this.scope + "-" + (++this.registrations);
		long start = server.nanoTime();
		this.registry.register(next, this.settings.getInstanceName(), this.shared, this.settings.getLease().toMillis());
		synchronized (this.identity) {
			String previous = this.id;
			this.id = next;
			if (previous != null && this.shared) {
				// after the switch: an insert answered from now on for the old id is answered "owned elsewhere"
				server.handOver();
			}
		}
		proven(server, start);
	}

	private void proven(JobOwner server, long beatStartNanos) {
		if (!this.shared) {
			// nobody takes an H2 server's jobs over: it needs no proof
			return;
		}
		long until = beatStartNanos + this.settings.getLease().toNanos() - this.settings.getHeartbeatInterval().toNanos();
		this.provenUntilNanos = until;
		server.ownedUntil(until);
	}

	private Thread start(String name, Runnable loop) {
		Thread thread = new Thread(loop, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	// heartbeat

	private void heartbeatLoop() {
		long interval = this.settings.getHeartbeatInterval().toNanos();
		long next = System.nanoTime() + interval;
		while (this.beating) {
			long wait = next - System.nanoTime();
			if (wait > 0 && !sleep(TimeUnit.NANOSECONDS.toMillis(wait))) {
				return;
			}
			next = Math.max(next + interval, System.nanoTime());
			beat();
		}
	}

	private void beat() {
		JobOwner server = this.owner;
		String current = this.id;
		long start = server.nanoTime();
		try {
			if (this.registry.heartbeat(current, this.settings.getLease().toMillis(), server.storedJobs())) {
				proven(server, start);
				if (this.beatFailing) {
					this.beatFailing = false;
					logger.info("Heartbeat of {} reaches the database again", current);
				}
				return;
			}
			if (!this.beating) {
				return;
			}
			logger.warn("The lease of {} ran out before its heartbeat reached the database: {}; joining again as a"
					+ " new instance", current, this.shared ? "the other servers take its stored jobs over"
							: "no other server takes them over (H2)");
			register(server);
			this.beatFailing = false;
			logger.info("Joined the job store again as {}", this.id);
		}
		catch (SQLException | RuntimeException ex) {
			if (!this.beatFailing) {
				this.beatFailing = true;
				logger.warn("Heartbeat of {} failed ({}); {}", current, ex.getMessage(), this.shared
						? "its stored jobs are held back once the lease is not proven any more, and taken over by the"
								+ " other servers when it has run out"
						: "retrying");
			}
		}
	}

	// writes checked against the instance id

	/**
	 * Answers inserts whose rows committed: success if the id they were written with is still this server's,
	 * otherwise {@link OwnedElsewhereException} with their handle (the server that takes them over keeps it).
	 */
	void answerCommitted(List<Insert> inserts) {
		synchronized (this.identity) {
			String current = this.id;
			for (Insert insert : inserts) {
				if (insert.owner == null || !this.shared || insert.owner.equals(current)) {
					insert.complete(null);
				}
				else {
					insert.complete(new OwnedElsewhereException("this server lost its lease while the job was"
							+ " stored: it runs on the server that takes it over", insert.job.handle()));
				}
			}
		}
	}

	/** Queues a row to give up; see {@link Takeover#release}. */
	void release(String function, String unique, long sequence) {
		String current = this.id;
		if (this.shared && current != null) {
			this.takeover.release(new JobClaims.Release(function, unique, sequence, current));
		}
	}

	/**
	 * Hands jobs claimed for an instance id to the engine, unless this server gave that id up meanwhile (the others
	 * take them over from that id then).
	 * @return {@code false} if the engine has stopped
	 */
	boolean adopt(String claimedFor, List<StoredJob> jobs) {
		synchronized (this.identity) {
			if (claimedFor.equals(this.id)) {
				try {
					this.owner.adopt(jobs);
				}
				catch (RejectedExecutionException ex) {
					// the engine stopped: the rows are this server's, and taken over by the others once it left
					return false;
				}
			}
			return true;
		}
	}

	/** Whether the last heartbeat still proves this server's ownership: only then does it take jobs over. */
	boolean ownershipProven() {
		JobOwner server = this.owner;
		return server != null && server.nanoTime() - this.provenUntilNanos < 0;
	}

	// H2: one server alone

	/**
	 * Waits while another server's lease runs: one that stopped (killed, say) lets it run out, one that is alive
	 * renews it, and then this server refuses to start.
	 */
	private void awaitNoOtherServer() {
		long deadline = System.nanoTime() + this.settings.getLease().toNanos()
				+ 2 * this.settings.getHeartbeatInterval().toNanos();
		Map<String, Long> firstHeartbeat = new HashMap<>();
		boolean logged = false;
		while (true) {
			List<InstanceRegistry.Registered> others;
			try {
				others = this.registry.list().stream().filter((r) -> r.isAlive() && !r.id().equals(this.id)).toList();
			}
			catch (SQLException ex) {
				leaveQuietly();
				throw new IllegalStateException("Could not read " + InstanceRegistry.NAME + ": " + ex.getMessage(), ex);
			}
			if (others.isEmpty()) {
				return;
			}
			for (InstanceRegistry.Registered other : others) {
				Long first = firstHeartbeat.putIfAbsent(other.id(), other.heartbeatMillis());
				if ((first != null && other.heartbeatMillis() != first) || System.nanoTime() - deadline > 0) {
					leaveQuietly();
					throw new IllegalStateException("Another Gearman job server uses this database: '" + other.name()
							+ "' (instance " + other.id() + "), last heartbeat "
							+ (other.nowMillis() - other.heartbeatMillis()) + " ms ago (expected: one server per H2"
							+ " database; servers that share their jobs need PostgreSQL or MySQL/MariaDB)");
				}
			}
			if (!logged) {
				logged = true;
				logger.info("Waiting up to {} ms for the lease of {} to run out (a server that stopped without"
						+ " leaving, or one that is alive)", this.settings.getLease().toMillis(), others.get(0).id());
			}
			if (!sleep(this.settings.getHeartbeatInterval().toMillis())) {
				leaveQuietly();
				throw new IllegalStateException("Interrupted while waiting for another server's lease");
			}
		}
	}

	// leaving

	/** Stops taking over: called first when the store closes, while the heartbeat still proves ownership. */
	void stopTakingOver() {
		this.takeover.stop();
	}

	/**
	 * Writes the last releases, ends this server's lease (the others take what it still owns at once) and stops
	 * the heartbeat: called last when the store closes, after the writers committed what they held.
	 */
	void leave() {
		stopThreads();
		if (this.owner == null) {
			return;
		}
		this.takeover.writeReleases();
		String current = this.id;
		try {
			this.registry.leave(current);
			logger.info("Left the job store ({}){}", current,
					this.shared ? ": the other servers take over the stored jobs it still owned" : "");
		}
		catch (SQLException ex) {
			logger.warn("Could not leave the job store ({}): {}; the other servers take its stored jobs over when"
					+ " its lease has run out", current, ex.getMessage());
		}
	}

	private void leaveQuietly() {
		stopThreads();
		try {
			this.registry.leave(this.id);
		}
		catch (SQLException ex) {
			logger.debug("Could not deregister {}", this.id, ex);
		}
	}

	private void stopThreads() {
		stopTakingOver();
		this.beating = false;
		Thread thread = this.heartbeat;
		if (thread != null) {
			thread.interrupt();
			join(thread);
		}
	}

	private static void join(Thread thread) {
		try {
			thread.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static boolean sleep(long millis) {
		try {
			Thread.sleep(millis);
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

}
