package dev.gearman.worker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idle worker must sleep: after NO_JOB it sends PRE_SLEEP and then nothing until the server's NOOP. A worker
 * that grabs again on NO_JOB loops GRAB/NO_JOB thousands of times a second and burns a core while idle. The
 * server here is a scripted socket that answers every grab with NO_JOB and counts what the worker sends, so the
 * test sees the worker's traffic exactly.
 */
class IdleWorkerTrafficTests {

	private static final int PRE_SLEEP = 4;

	private static final int NOOP = 6;

	private static final int GRAB_JOB = 9;

	private static final int NO_JOB = 10;

	private static final int GRAB_JOB_UNIQ = 30;

	private static final int GRAB_JOB_ALL = 39;

	private final AtomicInteger grabs = new AtomicInteger();

	private final AtomicInteger sleeps = new AtomicInteger();

	private ServerSocket listener;

	private volatile Socket peer;

	private GearmanWorker worker;

	@BeforeEach
	void listen() throws IOException {
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread serve = new Thread(this::serve, "scripted-server");
		serve.setDaemon(true);
		serve.start();
	}

	@AfterEach
	void close() throws IOException {
		if (this.worker != null) {
			this.worker.close();
		}
		this.listener.close();
	}

	@Test
	void idleWorkerSleepsUntilWokenAndGrabsOnceWhenWoken() throws Exception {
		this.worker = new GearmanWorker(GearmanWorkerSettings.of("127.0.0.1:" + this.listener.getLocalPort()));
		this.worker.register("idle", (job) -> job.payload());
		this.worker.start();
		awaitAtLeast(this.sleeps, 1);
		// a second of idleness: a sleeping worker sends nothing at all
		Thread.sleep(1000);
		int grabsWhileIdle = this.grabs.get();
		assertThat(grabsWhileIdle).as("grabs of an idle worker in a second").isLessThanOrEqualTo(3);
		assertThat(this.sleeps.get()).isLessThanOrEqualTo(3);
		send(NOOP);
		awaitAtLeast(this.grabs, grabsWhileIdle + 1);
		awaitAtLeast(this.sleeps, 2);
		Thread.sleep(500);
		assertThat(this.grabs.get()).as("grabs after one NOOP").isLessThanOrEqualTo(grabsWhileIdle + 3);
	}

	private void serve() {
		try (Socket socket = this.listener.accept()) {
			this.peer = socket;
			DataInputStream in = new DataInputStream(socket.getInputStream());
			while (true) {
				in.readInt(); // magic
				int type = in.readInt();
				in.skipNBytes(in.readInt());
				if (type == GRAB_JOB || type == GRAB_JOB_UNIQ || type == GRAB_JOB_ALL) {
					this.grabs.incrementAndGet();
					send(NO_JOB);
				}
				else if (type == PRE_SLEEP) {
					this.sleeps.incrementAndGet();
				}
			}
		}
		catch (IOException ex) {
			// the worker closed the connection: the test is over
		}
	}

	private synchronized void send(int type) throws IOException {
		DataOutputStream out = new DataOutputStream(this.peer.getOutputStream());
		out.writeInt(0x00524553); // "\0RES"
		out.writeInt(type);
		out.writeInt(0);
		out.flush();
	}

	private static void awaitAtLeast(AtomicInteger counter, int value) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (counter.get() < value) {
			assertThat(System.nanoTime()).as("waiting for %d, have %d", value, counter.get()).isLessThan(deadline);
			Thread.sleep(10);
		}
	}

}
