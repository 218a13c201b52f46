package dev.gearman.server.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.AdminReply;
import dev.gearman.protocol.AdminRequest;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * One simulated connection to a {@link JobEngine}: sends requests on the test thread and records every message
 * the engine writes to it. Because the engine runs the commands of all peers in the order the test thread hands
 * them over, a reply to a later command proves that earlier commands have been processed.
 */
final class TestPeer implements SessionTransport {

	/** How long {@link #next()} waits for a message the test expects. */
	static final Duration TIMEOUT = Duration.ofSeconds(3);

	private final JobEngine engine;

	private final Session session;

	private final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();

	private volatile boolean closed;

	private int echoes;

	private final String identity;

	/** Bytes the engine wrote while this peer was not reading, as a socket's unsent bytes. */
	private final java.util.concurrent.atomic.AtomicLong unread = new java.util.concurrent.atomic.AtomicLong();

	private volatile boolean reading = true;

	private volatile @Nullable Runnable onDrained;

	/** What all the peers of a test leave unread, as a server's connections together. */
	private final java.util.concurrent.atomic.AtomicLong unreadOfAll;

	TestPeer(JobEngine engine) {
		this(engine, dev.gearman.server.access.AccessPolicy.ANONYMOUS);
	}

	/** A connection whose peer proved an identity, as a TLS client certificate does. */
	TestPeer(JobEngine engine, String identity) {
		this(engine, identity, new java.util.concurrent.atomic.AtomicLong());
	}

	/** A connection among others whose unread replies count together. */
	TestPeer(JobEngine engine, String identity, java.util.concurrent.atomic.AtomicLong unreadOfAll) {
		this.engine = engine;
		this.identity = identity;
		this.unreadOfAll = unreadOfAll;
		this.session = engine.connect(this);
	}

	@Override
	public String identity() {
		return this.identity;
	}

	// SessionTransport

	@Override
	public void write(List<Object> messages, long bytes, long ownBytes) {
		// counted before the test can see them, so that a test reading them at once reads their bytes too
		if (!this.reading) {
			this.unread.addAndGet(bytes);
			this.unreadOfAll.addAndGet(bytes);
		}
		this.received.addAll(messages);
	}

	@Override
	public long pendingBytes() {
		return this.unread.get();
	}

	@Override
	public long unreadBytesOfAllConnections() {
		return this.unreadOfAll.get();
	}

	@Override
	public void whenDrained(long level, Runnable callback) {
		if (this.unread.get() <= level) {
			callback.run();
		}
		else {
			this.onDrained = callback;
		}
	}

	/**
	 * From now on the replies the engine writes count as unread until {@link #readReplies()}, as bytes a peer leaves
	 * in its socket; the test still sees them.
	 */
	void stopReading() {
		this.reading = false;
	}

	/** Reads every reply written so far: the engine hears of it as from a socket that drained. */
	void readReplies() {
		this.unreadOfAll.addAndGet(-this.unread.getAndSet(0));
		Runnable callback = this.onDrained;
		this.onDrained = null;
		if (callback != null) {
			callback.run();
		}
	}

	@Override
	public void close() {
		this.closed = true;
	}

	@Override
	public String remoteHost() {
		return "127.0.0.1";
	}

	boolean isClosed() {
		return this.closed;
	}

	Session session() {
		return this.session;
	}

	long id() {
		return this.session.id();
	}

	// sending

	TestPeer send(PacketType type, String... args) {
		return sendPacket(Packet.request(type, args));
	}

	TestPeer sendData(PacketType type, byte[] data, String... args) {
		return sendPacket(Packet.requestWithData(type, data, args));
	}

	TestPeer sendData(PacketType type, String data, String... args) {
		return sendData(type, bytes(data), args);
	}

	/** Sends an admin command line without waiting for its reply. */
	TestPeer sendLine(String line) {
		this.engine.receive(this.session, new AdminRequest(line));
		return this;
	}

	TestPeer sendPacket(Packet packet) {
		this.engine.receive(this.session, packet);
		return this;
	}

	/** Sends an admin command line and returns the exact text of its reply. */
	String admin(String line) {
		this.engine.receive(this.session, new AdminRequest(line));
		Object reply = next();
		assertThat(reply).as("reply to admin '%s'", line).isInstanceOf(AdminReply.class);
		return ((AdminReply) reply).text();
	}

	void disconnect() {
		this.engine.disconnect(this.session);
	}

	// receiving

	/** The next message, or {@code null} if none arrives within the timeout. */
	@Nullable Object next(Duration timeout) {
		try {
			return this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("interrupted", ex);
		}
	}

	/** The next message; fails if none arrives within {@link #TIMEOUT}. */
	Object next() {
		Object message = next(TIMEOUT);
		if (message == null) {
			fail("peer %d: no message within %s", id(), TIMEOUT);
		}
		return message;
	}

	/** A message already delivered, without waiting. */
	@Nullable Object poll() {
		return this.received.poll();
	}

	/** The next message, which must be a packet of the given type. */
	Packet expect(PacketType type) {
		Object message = next();
		assertThat(message).as("peer %d: expected %s", id(), type).isInstanceOf(Packet.class);
		Packet packet = (Packet) message;
		assertThat(packet.type()).as("peer %d: %s", id(), packet).isEqualTo(type);
		return packet;
	}

	/** The next message, which must be a packet of the given type with exactly these arguments. */
	Packet expect(PacketType type, String... args) {
		Packet packet = expect(type);
		assertThat(args(packet)).as("arguments of %s", packet).containsExactly(args);
		return packet;
	}

	/** The next message, which must be a packet of the given type with these arguments and this data. */
	Packet expectData(PacketType type, String data, String... args) {
		Packet packet = expect(type, args);
		assertThat(text(packet.data())).as("data of %s", packet).isEqualTo(data);
		return packet;
	}

	/** The next message, which must be an ERROR with this code; returns its text. */
	String expectError(String code) {
		Packet packet = expect(PacketType.ERROR);
		assertThat(packet.arg(0)).as("error code of %s", packet).isEqualTo(code);
		return packet.arg(1);
	}

	/** Fails if any message arrives within the given time. Prefer {@link #expectNoMessage()}. */
	void expectNothing(long millis) {
		Object message = next(Duration.ofMillis(millis));
		assertThat(message).as("peer %d: unexpected message", id()).isNull();
	}

	/**
	 * Proves that nothing was sent to this peer in reply to the commands handed over so far: sends ECHO_REQ and
	 * requires the ECHO_RES to be the very next message.
	 */
	void expectNoMessage() {
		String marker = "sync-" + this.echoes++;
		sendData(PacketType.ECHO_REQ, marker);
		Object message = next();
		assertThat(message).as("peer %d: expected only the ECHO_RES '%s'", id(), marker).isInstanceOf(Packet.class);
		Packet packet = (Packet) message;
		assertThat(packet.type()).as("peer %d: expected only the ECHO_RES, got %s", id(), packet)
			.isEqualTo(PacketType.ECHO_RES);
		assertThat(text(packet.data())).isEqualTo(marker);
	}

	// utilities

	static List<String> args(Packet packet) {
		List<String> args = new ArrayList<>(packet.argCount());
		for (int i = 0; i < packet.argCount(); i++) {
			args.add(packet.arg(i));
		}
		return args;
	}

	static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	static String text(byte[] data) {
		return new String(data, StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "TestPeer " + id();
	}

}
