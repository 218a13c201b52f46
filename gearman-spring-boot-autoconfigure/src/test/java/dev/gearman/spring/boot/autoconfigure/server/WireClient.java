package dev.gearman.spring.boot.autoconfigure.server;

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

import dev.gearman.protocol.GearmanEncoder;
import dev.gearman.protocol.Magic;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A blocking Gearman connection for tests that must see exactly what the server sends, including the moment it
 * closes the connection.
 */
public final class WireClient implements AutoCloseable {

	public static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private WireClient(Socket socket) throws IOException {
		this.socket = socket;
		this.socket.setSoTimeout((int) TIMEOUT.toMillis());
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	public static WireClient open(String host, int port) {
		try {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress(host, port), (int) TIMEOUT.toMillis());
			return new WireClient(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("connecting to " + host + ":" + port, ex);
		}
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

	public void send(PacketType type, String... args) {
		send(Packet.request(type, args));
	}

	public void sendData(PacketType type, String data, String... args) {
		send(Packet.requestWithData(type, data.getBytes(StandardCharsets.UTF_8), args));
	}

	/** ECHO round trip: proves the connection is open and served. */
	public void echo() {
		sendData(PacketType.ECHO_REQ, "ping");
		assertThat(expect(PacketType.ECHO_RES).data()).isEqualTo("ping".getBytes(StandardCharsets.UTF_8));
	}

	public Packet expect(PacketType type) {
		Packet packet = read();
		assertThat(packet.type()).as("packet type of %s", packet).isEqualTo(type);
		return packet;
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

	public Packet read() {
		try {
			return readPacket();
		}
		catch (SocketTimeoutException ex) {
			return fail("no packet from the server within " + TIMEOUT);
		}
		catch (EOFException ex) {
			return fail("the server closed the connection instead of sending a packet");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Waits for the server to close the connection.
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

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing a test socket
		}
	}

	private Packet readPacket() throws IOException {
		byte[] header = new byte[12];
		this.in.readFully(header);
		assertThat(intAt(header, 0)).as("response magic").isEqualTo(Magic.RES.code());
		PacketType type = PacketType.fromCode(Integer.toUnsignedLong(intAt(header, 4)));
		assertThat(type).as("packet type").isNotNull();
		byte[] payload = new byte[intAt(header, 8)];
		this.in.readFully(payload);
		List<String> args = new ArrayList<>();
		int pos = 0;
		int terminated = type.hasData() ? type.argc() : Math.max(0, type.argc() - 1);
		for (int i = 0; i < terminated; i++) {
			int nul = pos;
			while (payload[nul] != 0) {
				nul++;
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
		return Packet.of(Magic.RES, type, args.toArray(new String[0]), data);
	}

	private static int intAt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
				| (bytes[offset + 3] & 0xff);
	}

}
