package dev.gearman.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of the hostile-peer tests: a real server on loopback, attacked over raw sockets, with what the attack costs
 * measured from outside the engine (the memory of Netty's buffers, the heap after a collection) and what a
 * well-behaved connection sees meanwhile (its round trips). An attack that breaks a bound stops as soon as the bound
 * is broken, so that a failing test fails fast instead of exhausting the test JVM.
 * <p>
 * Tagged {@code hostile}: the build runs these classes each in a JVM of its own with Netty's unpooled allocator, so
 * that buffer memory is the bytes of live buffers, whatever ran before (see gearman-core's pom).
 */
@Tag("hostile")
abstract class HostilePeerTestSupport {

	protected static final int MIB = 1024 * 1024;

	protected GearmanServer server;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void stopServer() throws Exception {
		// the server first: connections closing while it stops would race the engine's shutdown
		if (this.server != null) {
			this.server.stop();
		}
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	/**
	 * Starts the server the test attacks, with one I/O thread as the server app has (buffer pools are per thread, so
	 * memory is then measured against one pool's granularity, not four).
	 */
	protected GearmanServer start(Consumer<GearmanServerSettings> customizer) {
		this.server = TestServers.start((settings) -> {
			settings.setIoThreads(1);
			customizer.accept(settings);
		});
		return this.server;
	}

	/** A well-behaved connection, closed after the test. */
	protected RawConnection connect() {
		RawConnection connection = RawConnection.open(TestServers.HOST, this.server.port());
		this.closeables.add(connection);
		return connection;
	}

	/** A well-behaved connection on a plain socket, for peers that read large replies in bulk. */
	protected Socket plainSocket() {
		try {
			Socket socket = new Socket(TestServers.HOST, this.server.port());
			socket.setSoTimeout(10_000);
			this.closeables.add(socket);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A hostile connection: a plain socket with a small receive buffer, so that replies it does not read pile up in
	 * the server rather than in the kernel.
	 */
	protected Socket attacker() {
		return attacker(TestServers.HOST);
	}

	/** A hostile connection from a given local address (any of 127.0.0.0/8 on loopback). */
	protected Socket attacker(String localAddress) {
		Socket socket = new Socket();
		try {
			socket.setReceiveBufferSize(4096);
			socket.setTcpNoDelay(true);
			socket.setSoTimeout(10_000);
			socket.bind(new InetSocketAddress(localAddress, 0));
			socket.connect(new InetSocketAddress(TestServers.HOST, this.server.port()), 5_000);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.closeables.add(socket);
		return socket;
	}

	/** Writes bytes to a socket. */
	protected static void send(Socket socket, byte[] bytes) {
		try {
			OutputStream out = socket.getOutputStream();
			out.write(bytes);
			out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Sends an admin command whose reply is a list ending in ".\n" and returns the reply, read in bulk. */
	protected static String listReply(Socket socket, String command) {
		try {
			send(socket, ascii(command + "\n"));
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream reply = new ByteArrayOutputStream();
			byte[] chunk = new byte[64 * 1024];
			// the end is "\n.\n", or "." first on an empty list: a line never starts with "." otherwise
			int previous = '\n';
			int beforePrevious = '\n';
			while (true) {
				int n = in.read(chunk);
				if (n < 0) {
					throw new AssertionError("connection closed during the reply to " + command);
				}
				reply.write(chunk, 0, n);
				for (int i = 0; i < n; i++) {
					if (chunk[i] == '\n' && previous == '.' && beforePrevious == '\n') {
						return reply.toString(StandardCharsets.ISO_8859_1);
					}
					beforePrevious = previous;
					previous = chunk[i];
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The number of entries of a list reply. */
	protected static int listLines(Socket socket, String command) {
		return (int) listReply(socket, command).lines().filter((line) -> !line.equals(".")).count();
	}

	/** The bytes of a packet on the wire. */
	protected static byte[] wire(Packet packet) {
		io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
		try {
			dev.gearman.protocol.GearmanEncoder.write(packet, buf);
			byte[] bytes = new byte[buf.readableBytes()];
			buf.readBytes(bytes);
			return bytes;
		}
		finally {
			buf.release();
		}
	}

	/** A request header announcing a payload of the given size. */
	protected static byte[] header(PacketType type, long payloadSize) {
		return ByteBuffer.allocate(12).putInt(0x00524551).putInt(type.code()).putInt((int) payloadSize).array();
	}

	protected static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	/**
	 * Bytes Netty's default allocator holds, direct and heap: where connections' buffers live. With the unpooled
	 * allocator the build runs these tests with, that is the bytes of the buffers alive now.
	 */
	protected static long bufferMemory() {
		ByteBufAllocatorMetric metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
		long direct = Math.max(metric.usedDirectMemory(), PlatformDependent.usedDirectMemory());
		return direct + metric.usedHeapMemory();
	}

	/** The heap in use after a full collection. */
	protected static long heapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * Samples {@link #bufferMemory()} every few milliseconds on its own thread, keeping the peak over the baseline
	 * taken when it starts.
	 */
	protected MemoryWatch watchMemory() {
		MemoryWatch watch = new MemoryWatch();
		this.closeables.add(watch);
		return watch;
	}

	/**
	 * A well-behaved peer that does ECHO round trips on its own connection, one every few milliseconds, for as long
	 * as it runs, so that a test can tell what an attack does to everyone else.
	 */
	protected Bystander bystander() {
		Bystander bystander = new Bystander(connect());
		this.closeables.add(bystander);
		return bystander;
	}

	/**
	 * Reads and counts what the server sends to a socket, by packet type, on a thread of its own until the socket
	 * closes: a peer that floods the server but reads its replies.
	 */
	protected ReplyCounter countReplies(Socket socket) {
		ReplyCounter counter = new ReplyCounter(socket);
		this.closeables.add(counter);
		return counter;
	}

	/** Fails if the condition still holds after the timeout; polls. */
	protected static void awaitTrue(String what, long timeoutMillis, java.util.function.BooleanSupplier condition) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("not within " + timeoutMillis + " ms: " + what);
			}
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	/**
	 * Packets a socket received, by type.
	 */
	protected static final class ReplyCounter implements AutoCloseable {

		private final java.util.concurrent.atomic.AtomicLongArray byType = new java.util.concurrent.atomic.AtomicLongArray(64);

		private final Thread thread;

		ReplyCounter(Socket socket) {
			this.thread = new Thread(() -> {
				byte[] header = new byte[12];
				try {
					InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
					while (in.readNBytes(header, 0, 12) == 12) {
						ByteBuffer fields = ByteBuffer.wrap(header);
						int type = fields.getInt(4);
						in.skipNBytes(fields.getInt(8));
						this.byType.incrementAndGet(Math.min(type, 63));
					}
				}
				catch (IOException ex) {
					// closed
				}
			}, "reply-counter");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		/** How many packets of a type arrived so far. */
		long count(PacketType type) {
			return this.byType.get(type.code());
		}

		@Override
		public void close() throws InterruptedException {
			this.thread.join(1000);
		}

	}

	/**
	 * The peak of {@link #bufferMemory()} above its value when the watch started.
	 */
	protected static final class MemoryWatch implements AutoCloseable {

		private final long baseline = bufferMemory();

		private final AtomicLong peak = new AtomicLong();

		private final Thread sampler;

		private volatile boolean running = true;

		MemoryWatch() {
			this.sampler = new Thread(() -> {
				while (this.running) {
					this.peak.accumulateAndGet(bufferMemory() - this.baseline, Math::max);
					try {
						Thread.sleep(2);
					}
					catch (InterruptedException ex) {
						return;
					}
				}
			}, "memory-watch");
			this.sampler.setDaemon(true);
			this.sampler.start();
		}

		/** The highest growth seen so far. */
		long peak() {
			this.peak.accumulateAndGet(bufferMemory() - this.baseline, Math::max);
			return this.peak.get();
		}

		@Override
		public void close() throws InterruptedException {
			this.running = false;
			this.sampler.join(1000);
		}

	}

	/**
	 * Round trips of a well-behaved connection, measured while an attack runs.
	 */
	protected static final class Bystander implements AutoCloseable {

		private final RawConnection connection;

		private final List<Long> roundTrips = new ArrayList<>();

		private final Thread thread;

		private volatile boolean running = true;

		private volatile Throwable failure;

		Bystander(RawConnection connection) {
			this.connection = connection;
			this.thread = new Thread(this::run, "bystander");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		private void run() {
			byte[] token = ascii("bystander");
			try {
				while (this.running) {
					long start = System.nanoTime();
					this.connection.send(Packet.requestWithData(PacketType.ECHO_REQ, token));
					Packet echo = this.connection.expect(PacketType.ECHO_RES);
					long took = System.nanoTime() - start;
					assertThat(echo.data()).isEqualTo(token);
					synchronized (this.roundTrips) {
						this.roundTrips.add(took);
					}
					Thread.sleep(5);
				}
			}
			catch (Throwable ex) {
				if (this.running) {
					this.failure = ex;
				}
			}
		}

		/** Stops and returns the round trips in milliseconds, sorted; fails if any round trip failed. */
		double[] stop() throws InterruptedException {
			this.running = false;
			this.thread.join(15_000);
			assertThat(this.failure).as("a round trip of the well-behaved connection failed").isNull();
			double[] millis;
			synchronized (this.roundTrips) {
				millis = this.roundTrips.stream().mapToDouble((nanos) -> nanos / 1e6).toArray();
			}
			Arrays.sort(millis);
			assertThat(millis).as("round trips of the well-behaved connection").isNotEmpty();
			return millis;
		}

		/**
		 * Stops and checks that the well-behaved connection was served throughout: every round trip succeeded, the
		 * 99th percentile within the bound (lenient, for a busy machine: an engine held up by an attack takes
		 * seconds).
		 * @return the round trips in milliseconds, sorted
		 */
		double[] assertServedWithin(double p99Millis) throws InterruptedException {
			double[] roundTrips = stop();
			assertThat(percentile(roundTrips, 99)).as("bystander p99 (ms)").isLessThan(p99Millis);
			return roundTrips;
		}

		/** The round trip at a percentile of a sorted sample. */
		static double percentile(double[] sorted, double percent) {
			return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percent / 100 * sorted.length) - 1)];
		}

		@Override
		public void close() throws InterruptedException {
			this.running = false;
			this.thread.join(1000);
		}

	}

}
