package dev.gearman.server.engine;

import java.time.Duration;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.NonDurableJobStore;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the engine tests: one engine per test, started on first use so that a test can adjust
 * {@link #settings} (or {@link #store}) first, and shortcuts for the usual client and worker steps. The engine runs
 * as in production, on a Netty I/O event loop, but with a {@link ManualClock}: a test moves time with
 * {@link #advance} instead of sleeping. A command that fails on the engine loop (an illegal job move, say) fails the
 * test.
 */
abstract class EngineTestSupport {

	static final String PREFIX = "H:test";

	/** One I/O thread shared by the engines of all tests, as a server with one I/O thread has. */
	private static final EventLoopGroup EVENT_LOOPS = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	protected final ManualClock clock = new ManualClock();

	private long expectedFailures;

	protected final GearmanServerSettings settings = new GearmanServerSettings();

	protected JobStore store = NonDurableJobStore.INSTANCE;

	protected EngineListener listener = EngineListener.NONE;

	private @Nullable JobEngine engine;

	private @Nullable TestPeer adminPeer;

	EngineTestSupport() {
		this.settings.setHandlePrefix(PREFIX);
	}

	@AfterEach
	void stopEngine() {
		if (this.engine != null) {
			this.engine.close();
			assertThat(this.engine.loop().failures()).as("commands that failed on the engine loop (see the log)")
				.isEqualTo(this.expectedFailures);
		}
	}

	JobEngine engine() {
		if (this.engine == null) {
			this.engine = new JobEngine(this.settings, this.store, new EngineLoop(EVENT_LOOPS.next(), this.clock),
					this.listener);
		}
		return this.engine;
	}

	/** The test provokes this many failing engine commands on purpose. */
	void expectEngineFailures(long failures) {
		this.expectedFailures = failures;
	}

	/** Moves the engine's clock on and runs the timers that became due (CAN_DO_TIMEOUT, epoch jobs). */
	void advance(Duration duration) {
		// the commands handed over so far run first: a timer they arm counts from the time before the advance
		engine().call(() -> null).join();
		this.clock.advance(duration);
		engine().loop().runDueTimers();
	}

	/** What the engine's registry holds now. */
	JobCensus census() {
		return engine().census().join();
	}

	/** The handle of the n-th job the engine created. */
	static String handle(int n) {
		return PREFIX + ":" + n;
	}

	/** What the peers of this test leave unread together, as a server's connections. */
	private final java.util.concurrent.atomic.AtomicLong unreadOfAllPeers = new java.util.concurrent.atomic.AtomicLong();

	TestPeer peer() {
		return new TestPeer(engine(), dev.gearman.server.access.AccessPolicy.ANONYMOUS, this.unreadOfAllPeers);
	}

	/** A connection with a proven identity. */
	TestPeer peer(String identity) {
		return new TestPeer(engine(), identity);
	}

	/** A connection that registered the given functions (CAN_DO). */
	TestPeer worker(String... functions) {
		TestPeer worker = peer();
		for (String function : functions) {
			worker.send(PacketType.CAN_DO, function);
		}
		return worker;
	}

	/** Submits a job of the given SUBMIT_* type and returns the handle from JOB_CREATED. */
	static String submit(TestPeer client, PacketType type, String function, String unique, String data) {
		client.sendData(type, data, function, unique);
		return client.expect(PacketType.JOB_CREATED).arg(0);
	}

	/** Submits a foreground NORMAL job and returns its handle. */
	static String submit(TestPeer client, String function, String unique, String data) {
		return submit(client, PacketType.SUBMIT_JOB, function, unique, data);
	}

	/** Submits a background NORMAL job and returns its handle. */
	static String submitBg(TestPeer client, String function, String unique, String data) {
		return submit(client, PacketType.SUBMIT_JOB_BG, function, unique, data);
	}

	/** GRAB_JOB, which must be answered with JOB_ASSIGN. */
	static Packet grab(TestPeer worker) {
		worker.send(PacketType.GRAB_JOB);
		return worker.expect(PacketType.JOB_ASSIGN);
	}

	/** GRAB_JOB, which must be answered with NO_JOB. */
	static void expectNoJob(TestPeer worker) {
		worker.send(PacketType.GRAB_JOB);
		worker.expect(PacketType.NO_JOB);
	}

	/** WORK_COMPLETE from a worker. */
	static void complete(TestPeer worker, String handle, String result) {
		worker.sendData(PacketType.WORK_COMPLETE, result, handle);
	}

	/** The handle, function and data of a JOB_ASSIGN, checked. */
	static void assertAssigned(Packet assign, String handle, String function, String data) {
		assertThat(assign.type()).isEqualTo(PacketType.JOB_ASSIGN);
		assertThat(TestPeer.args(assign)).containsExactly(handle, function);
		assertThat(TestPeer.text(assign.data())).isEqualTo(data);
	}

	/** Runs an admin command on a dedicated admin connection and returns the exact reply. */
	String admin(String line) {
		if (this.adminPeer == null) {
			this.adminPeer = peer();
		}
		return this.adminPeer.admin(line);
	}

	/**
	 * Returns once the engine has handled, and flushed the replies of, every command handed over so far: an echo
	 * round trip on the admin connection.
	 */
	void sync() {
		if (this.adminPeer == null) {
			this.adminPeer = peer();
		}
		this.adminPeer.expectNoMessage();
	}

	String status() {
		return admin("status");
	}

	String showJobs() {
		return admin("show jobs");
	}

}
