package dev.gearman.connection;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import dev.gearman.protocol.Packet;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ManagedConnection#connect()} against a plain local socket: callers who ask while a connection attempt is
 * under way each get a future of their own, completed in call order, so requests they write go out in order.
 */
class ManagedConnectionTests {

	private ServerSocket server;

	private final List<Socket> accepted = new CopyOnWriteArrayList<>();

	private Transport transport;

	@BeforeEach
	void listen() throws Exception {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(() -> {
			while (!this.server.isClosed()) {
				try {
					this.accepted.add(this.server.accept());
				}
				catch (Exception ex) {
					return;
				}
			}
		}, "test-acceptor");
		acceptor.setDaemon(true);
		acceptor.start();
		this.transport = new Transport("test-connection", 1);
	}

	@AfterEach
	void close() throws Exception {
		this.server.close();
		for (Socket socket : this.accepted) {
			socket.close();
		}
		this.transport.close();
	}

	@Test
	void callersDuringConnectingGetOwnFuturesCompletedInCallOrder() throws Exception {
		CountDownLatch setUp = new CountDownLatch(1);
		TestConnection connection = new TestConnection(this.server.getLocalPort(), setUp);
		List<CompletableFuture<Channel>> futures = new ArrayList<>();
		List<Integer> completionOrder = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Void>> recorded = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			int caller = i;
			CompletableFuture<Channel> future = connection.connect();
			futures.add(future);
			recorded.add(future.thenRun(() -> completionOrder.add(caller)));
		}
		// onConnected is held until now, so all 20 calls were made while the attempt was under way
		setUp.countDown();
		CompletableFuture.allOf(recorded.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		assertThat(futures).doesNotHaveDuplicates();
		assertThat(completionOrder).containsExactlyElementsOf(IntStream.range(0, 20).boxed().toList());
		assertThat(futures.stream().map(CompletableFuture::join).distinct()).hasSize(1);
		assertThat(connection.connects).hasValue(1);
		connection.close(Duration.ofSeconds(1));
	}

	@Test
	void callersDuringAFailedAttemptEachFail() throws Exception {
		int port;
		try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = closed.getLocalPort();
		}
		TestConnection connection = new TestConnection(port, new CountDownLatch(0));
		CompletableFuture<Channel> first = connection.connect();
		CompletableFuture<Channel> second = connection.connect();
		assertThat(first).isNotSameAs(second);
		assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(GearmanConnectionException.class);
		assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(GearmanConnectionException.class);
		// in the backoff window the next call fails at once instead of waiting
		assertThat(connection.connect()).isCompletedExceptionally();
		connection.close(Duration.ofSeconds(1));
	}

	@Test
	void keepsReconnectingInTheBackgroundUntilTheServerIsBack() throws Exception {
		int port;
		try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = probe.getLocalPort();
		}
		TestConnection connection = new TestConnection(port, new CountDownLatch(0), true);
		assertThatThrownBy(() -> connection.connect().get(10, TimeUnit.SECONDS))
			.hasCauseInstanceOf(GearmanConnectionException.class);
		// many background attempts fail before the server comes up; none of them may end the chain
		// (not a synchronisation: the server stays away for a while on purpose)
		Thread.sleep(1000);
		try (ServerSocket back = new ServerSocket()) {
			back.setReuseAddress(true);
			back.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> connection.connects.get() == 1);
			assertThat(connection.isConnected()).isTrue();
			connection.close(Duration.ofSeconds(1));
		}
	}

	private final class TestConnection extends ManagedConnection {

		private final CountDownLatch setUp;

		final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();

		private final boolean reconnect;

		TestConnection(int port, CountDownLatch setUp) {
			this(port, setUp, false);
		}

		TestConnection(int port, CountDownLatch setUp, boolean reconnect) {
			super(new ServerAddress("127.0.0.1", port), ManagedConnectionTests.this.transport,
					reconnect ? new ConnectionSettings(Duration.ofSeconds(2), Duration.ofMillis(20),
							Duration.ofMillis(40), 1024)
							: new ConnectionSettings(Duration.ofSeconds(2), Duration.ofSeconds(5),
									Duration.ofSeconds(5), 1024));
			this.setUp = setUp;
			this.reconnect = reconnect;
		}

		@Override
		protected boolean reconnectInBackground() {
			return this.reconnect;
		}

		@Override
		protected void onConnected(Channel channel) {
			this.connects.incrementAndGet();
			try {
				this.setUp.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		protected void onPacket(Channel channel, Packet packet) {
		}

		@Override
		protected void onDisconnected(Channel channel) {
		}

	}

}
