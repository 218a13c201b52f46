package dev.gearman.server;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.gearman.protocol.PacketType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that take connections rather than memory: one address may hold only so many, and a connection that has not
 * completed its first packet in time is closed. Each is logged once per offender, with at most one warning per
 * interval however many there are.
 */
class ConnectionFloodTests extends HostilePeerTestSupport {

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	private final List<Logger> loggers = List.of((Logger) LoggerFactory.getLogger(AddressConnections.class),
			(Logger) LoggerFactory.getLogger(ServerChannelHandler.class));

	ConnectionFloodTests() {
		this.log.start();
		for (Logger logger : this.loggers) {
			logger.addAppender(this.log);
		}
	}

	@AfterEach
	void detachLog() {
		for (Logger logger : this.loggers) {
			logger.detachAppender(this.log);
		}
	}

	@Test
	void addressOverItsConnectionLimitShouldBeRefusedWhileOthersConnect() throws Exception {
		start((settings) -> settings.setMaxConnectionsPerAddress(5));
		List<Socket> first = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			Socket socket = attacker("127.0.0.1");
			assertEchoes(socket);
			first.add(socket);
		}
		for (int i = 0; i < 20; i++) {
			assertThat(closedAtOnce(attacker("127.0.0.1"))).as("connection %d over the limit", 6 + i).isTrue();
		}
		assertEchoes(attacker("127.0.0.2"));
		first.get(0).close();
		awaitTrue("the closed connection is no longer counted", 5_000, () -> this.server.connections() == 5);
		assertEchoes(attacker("127.0.0.1"));
		assertThat(events(Level.WARN, "Refusing connections from 127.0.0.1")).as("warnings").isEqualTo(1);
		assertThat(events(Level.DEBUG, "Refusing connection from 127.0.0.1")).as("the others, at DEBUG").isEqualTo(19);
	}

	@Test
	void connectionThatDoesNotCompleteItsFirstPacketInTimeShouldBeClosed() throws Exception {
		start((settings) -> settings.setFirstPacketTimeout(Duration.ofMillis(300)));
		Socket served = attacker();
		assertEchoes(served);
		List<Socket> silent = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			silent.add(attacker());
		}
		for (int i = 0; i < 5; i++) {
			Socket slow = attacker();
			// eleven bytes of a header, then nothing
			send(slow, java.util.Arrays.copyOf(header(PacketType.ECHO_REQ, 4), 11));
			silent.add(slow);
		}
		long start = System.nanoTime();
		for (Socket socket : silent) {
			assertThat(closedAtOnce(socket)).as("silent connection closed").isTrue();
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		// a connection that sent a packet may stay silent for as long as it likes
		Thread.sleep(500);
		assertEchoes(served);
		long logged = events(Level.WARN, "first-packet timeout") + events(Level.DEBUG, "first-packet timeout");
		assertThat(logged).as("one line per silent connection").isEqualTo(10);
		assertThat(events(Level.WARN, "first-packet timeout")).as("at most one warning").isLessThanOrEqualTo(1);
	}

	private long events(Level level, String text) {
		return this.log.list.stream()
			.filter((event) -> event.getLevel() == level && event.getFormattedMessage().contains(text))
			.count();
	}

	private static void assertEchoes(Socket socket) throws IOException {
		send(socket, wire(dev.gearman.protocol.Packet.requestWithData(PacketType.ECHO_REQ, ascii("ok"))));
		byte[] reply = socket.getInputStream().readNBytes(14);
		assertThat(reply).hasSize(14);
		assertThat(new String(reply, 12, 2, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("ok");
	}

	/** Whether the server closes the connection within ten seconds, sending nothing. */
	private static boolean closedAtOnce(Socket socket) throws IOException {
		try {
			return socket.getInputStream().read() < 0;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true;
		}
	}

}
