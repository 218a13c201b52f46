package dev.gearman.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.gearman.protocol.GearmanEncoder;
import dev.gearman.protocol.Magic;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A blocking Gearman peer on a plain {@link Socket}: writes packets with the project's encoder, but parses what
 * the server sends by hand, so that a server-side codec bug cannot hide behind the same codec on both ends.
 */
public final class RawConnection implements AutoCloseable {

	public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private RawConnection(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
		this.out = socket.getOutputStream();
	}

	public static RawConnection open(String host, int port) {
		Socket socket = new Socket();
		try {
			socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
			socket.setTcpNoDelay(true);
			socket.connect(new InetSocketAddress(host, port), 5_000);
			return new RawConnection(socket);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException("Could not connect to " + host + ":" + port, ex);
		}
	}

	/**
	 * A peer over a socket that is already connected, e.g. a TLS socket after its handshake.
	 * @param socket the socket; closed with the connection
	 * @return the connection
	 */
	public static RawConnection over(Socket socket) {
		try {
			socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
			return new RawConnection(socket);
		}
		catch (IOException ex) {
			closeQuietly(socket);
			throw new UncheckedIOException("Could not use " + socket, ex);
		}
	}

	/**
	 * Whether a server accepts connections on the port now.
	 * @param host the host
	 * @param port the port
	 * @return {@code true} if a connection could be opened (it is closed again at once)
	 */
	public static boolean accepts(String host, int port) {
		try (RawConnection probe = open(host, port)) {
			return true;
		}
		catch (UncheckedIOException ex) {
			return false;
		}
	}

	/**
	 * Waits, up to {@link #READ_TIMEOUT}, until a server stops accepting connections on the port, e.g. while it
	 * stops.
	 * @param host the host
	 * @param port the port
	 * @throws AssertionError if the port is still open after that time
	 */
	public static void awaitRefused(String host, int port) {
		long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
		while (accepts(host, port)) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("the port was still open " + READ_TIMEOUT + " after the stop began");
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("interrupted while waiting for the port to close", ex);
			}
		}
	}

	/**
	 * Connects as a worker: SET_CLIENT_ID (if given), CAN_DO for each function, then an ECHO round trip so that
	 * the registration is known to have been processed.
	 */
	public static RawConnection worker(String host, int port, String clientId, String... functions) {
		RawConnection worker = open(host, port);
		if (clientId != null) {
			worker.send(Packet.request(PacketType.SET_CLIENT_ID, clientId));
		}
		for (String function : functions) {
			worker.send(Packet.request(PacketType.CAN_DO, function));
		}
		worker.sync();
		return worker;
	}

	public void send(Packet packet) {
		ByteBuf buf = Unpooled.buffer();
		try {
			GearmanEncoder.write(packet, buf);
			byte[] bytes = new byte[buf.readableBytes()];
			buf.readBytes(bytes);
			sendRaw(bytes);
		}
		finally {
			buf.release();
		}
	}

	public void sendRaw(byte[] bytes) {
		try {
			this.out.write(bytes);
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Sends a packet without data. */
	public void send(PacketType type, String... args) {
		send(Packet.request(type, args));
	}

	/** Sends a packet whose last argument is UTF-8 data. */
	public void sendData(PacketType type, String data, String... args) {
		send(Packet.requestWithData(type, data.getBytes(StandardCharsets.UTF_8), args));
	}

	/** Reads packets until one of the given type, skipping NOOPs. */
	public Packet expectSkippingNoop(PacketType type) {
		Packet packet;
		do {
			packet = read();
		}
		while (packet.type() == PacketType.NOOP && type != PacketType.NOOP);
		assertThat(packet.type()).as("packet type of %s", packet).isEqualTo(type);
		return packet;
	}

	/**
	 * Waits for the server to close the connection.
	 * @param timeout how long to wait
	 * @return {@code true} if it closed (end of stream or reset) within the timeout, {@code false} if it sent data
	 * or stayed open
	 */
	public boolean closedByServer(Duration timeout) {
		try {
			this.socket.setSoTimeout((int) timeout.toMillis());
			return this.in.read() < 0;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			// a reset also means the server closed it
			return true;
		}
	}

	/** Sends a background job and returns its handle. */
	public String submitBackground(PacketType type, String function, String unique, String data) {
		send(Packet.requestWithData(type, data.getBytes(StandardCharsets.UTF_8), function, unique));
		return expect(PacketType.JOB_CREATED).arg(0);
	}

	/** ECHO round trip: everything sent before has been handled by the server. */
	public void sync() {
		byte[] token = ("sync-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII);
		send(Packet.requestWithData(PacketType.ECHO_REQ, token));
		Packet echo = expect(PacketType.ECHO_RES);
		assertThat(echo.data()).as("ECHO_RES payload").isEqualTo(token);
	}

	/** Reads the next packet, failing on timeout or end of stream. */
	public Packet read() {
		try {
			return readPacket();
		}
		catch (SocketTimeoutException ex) {
			return fail("no packet from the server within " + READ_TIMEOUT.toSeconds() + " s");
		}
		catch (EOFException ex) {
			return fail("the server closed the connection instead of sending a packet");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("reading a packet failed", ex);
		}
	}

	public Packet expect(PacketType type) {
		Packet packet = read();
		assertThat(packet.type()).as("packet type of %s", packet).isEqualTo(type);
		return packet;
	}

	/** Reads packets until one of the given types; NOOPs are skipped, anything else fails. */
	public Packet readUntil(Set<PacketType> types) {
		while (true) {
			Packet packet = read();
			if (types.contains(packet.type())) {
				return packet;
			}
			if (packet.type() != PacketType.NOOP) {
				fail("expected one of " + types + " but got " + packet);
			}
		}
	}

	/** GRAB_JOB until a job is assigned, sleeping with PRE_SLEEP between attempts. */
	public Packet grabBlocking(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			send(Packet.request(PacketType.GRAB_JOB));
			Packet reply = readUntil(Set.of(PacketType.JOB_ASSIGN, PacketType.NO_JOB));
			if (reply.type() == PacketType.JOB_ASSIGN) {
				return reply;
			}
			send(Packet.request(PacketType.PRE_SLEEP));
			expect(PacketType.NOOP);
		}
		return fail("no job assigned within " + timeout);
	}

	/**
	 * Waits for the server to close the connection: end of stream or a reset. Any bytes that arrive first are
	 * returned; a timeout fails.
	 */
	public byte[] readToEof(Duration timeout) {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		try {
			this.socket.setSoTimeout((int) timeout.toMillis());
			byte[] chunk = new byte[8192];
			int n;
			while ((n = this.in.read(chunk)) >= 0) {
				received.write(chunk, 0, n);
			}
		}
		catch (SocketTimeoutException ex) {
			fail("the server did not close the connection within " + timeout + "; received "
					+ received.size() + " bytes");
		}
		catch (IOException ex) {
			// connection reset: closed as well
		}
		return received.toByteArray();
	}

	/** Sends an admin text line and reads the reply: up to ".\n" for lists, else one line. */
	public String admin(String line, boolean list) {
		sendRaw((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
		StringBuilder reply = new StringBuilder();
		try {
			while (true) {
				int b = this.in.read();
				if (b < 0) {
					fail("connection closed after admin reply " + reply);
				}
				reply.append((char) b);
				if (b == '\n' && (!list || reply.length() == 2 && reply.charAt(0) == '.'
						|| reply.toString().endsWith("\n.\n"))) {
					return reply.toString();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("reading the reply to '" + line + "' failed", ex);
		}
	}

	private Packet readPacket() throws IOException {
		byte[] header = new byte[12];
		this.in.readFully(header);
		int magicCode = intAt(header, 0);
		Magic magic = Magic.fromCode(magicCode);
		if (magic != Magic.RES) {
			fail("bad magic from server: 0x" + Integer.toHexString(magicCode));
		}
		PacketType type = PacketType.fromCode(Integer.toUnsignedLong(intAt(header, 4)));
		if (type == null) {
			fail("unknown packet type from server: " + Integer.toUnsignedLong(intAt(header, 4)));
		}
		long size = Integer.toUnsignedLong(intAt(header, 8));
		assertThat(size).as("payload size of %s", type).isLessThan(Integer.MAX_VALUE);
		byte[] payload = new byte[(int) size];
		this.in.readFully(payload);
		return parse(type, payload);
	}

	private static Packet parse(PacketType type, byte[] payload) {
		List<String> args = new ArrayList<>();
		int pos = 0;
		int nulTerminated = type.hasData() ? type.argc() : Math.max(0, type.argc() - 1);
		for (int i = 0; i < nulTerminated; i++) {
			int nul = indexOf(payload, pos);
			if (nul < 0) {
				fail(type + ": argument " + (i + 1) + " is not NUL-terminated: " + printable(payload));
			}
			args.add(new String(payload, pos, nul - pos, StandardCharsets.ISO_8859_1));
			pos = nul + 1;
		}
		byte[] data = new byte[0];
		if (type.hasData()) {
			data = Arrays.copyOfRange(payload, pos, payload.length);
		}
		else if (type.argc() > 0) {
			args.add(new String(payload, pos, payload.length - pos, StandardCharsets.ISO_8859_1));
		}
		else {
			assertThat(payload).as("payload of %s", type).isEmpty();
		}
		return Packet.of(Magic.RES, type, args.toArray(new String[0]), data);
	}

	private static int indexOf(byte[] bytes, int from) {
		for (int i = from; i < bytes.length; i++) {
			if (bytes[i] == 0) {
				return i;
			}
		}
		return -1;
	}

	private static int intAt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
				| (bytes[offset + 3] & 0xff);
	}

	static String printable(byte[] bytes) {
		String text = new String(bytes, 0, Math.min(bytes.length, 200), StandardCharsets.ISO_8859_1);
		return text.replace("\0", "\\0") + ((bytes.length > 200) ? "…" : "");
	}

	@Override
	public void close() {
		closeQuietly(this.socket);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// ignore
		}
	}

}
