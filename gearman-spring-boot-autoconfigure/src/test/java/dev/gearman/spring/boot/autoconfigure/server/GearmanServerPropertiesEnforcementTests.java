package dev.gearman.spring.boot.autoconfigure.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every {@code gearman.server.*} operations property reaches the running server and is enforced on the wire.
 */
class GearmanServerPropertiesEnforcementTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=1s");

	@Test
	void portShouldBeTheConfiguredOne() throws IOException {
		int free;
		try (ServerSocket probe = new ServerSocket(0)) {
			free = probe.getLocalPort();
		}
		this.runner.withPropertyValues("gearman.server.port=" + free).run((context) -> {
			assertThat(context.getBean(GearmanServer.class).port()).isEqualTo(free);
			assertThat(context.getEnvironment().getProperty("local.gearman.port", Integer.class)).isEqualTo(free);
			try (RawConnection client = RawConnection.open("127.0.0.1", free)) {
				client.sync();
			}
		});
	}

	@Test
	void addressShouldBeTheOnlyOneListenedOn() {
		this.runner.withPropertyValues("gearman.server.address=127.0.0.2").run((context) -> {
			int port = context.getBean(GearmanServer.class).port();
			try (RawConnection client = RawConnection.open("127.0.0.2", port)) {
				client.sync();
			}
			assertThatExceptionOfType(UncheckedIOException.class)
				.as("connecting to another loopback address")
				.isThrownBy(() -> RawConnection.open("127.0.0.1", port));
		});
	}

	@Test
	void handlePrefixShouldStartEveryJobHandle() {
		this.runner.withPropertyValues("gearman.server.handle-prefix=H:ops-test").run((context) -> {
			try (RawConnection client = RawConnection.open("127.0.0.1", context.getBean(GearmanServer.class).port())) {
				client.sendData(PacketType.SUBMIT_JOB_BG, "data", "f", "");
				assertThat(client.expect(PacketType.JOB_CREATED).arg(0)).startsWith("H:ops-test:");
			}
		});
	}

	@Test
	void retryLimitShouldFailAJobWhoseWorkersKeepDying() {
		this.runner.withPropertyValues("gearman.server.retry-limit=2").run((context) -> {
			int port = context.getBean(GearmanServer.class).port();
			try (RawConnection client = RawConnection.open("127.0.0.1", port)) {
				client.sendData(PacketType.SUBMIT_JOB, "data", "f", "");
				String handle = client.expect(PacketType.JOB_CREATED).arg(0);
				grabAndDie(port, handle);
				client.sync();
				// one attempt used, the limit is two: the job must be offered again
				grabAndDie(port, handle);
				assertThat(client.expect(PacketType.WORK_FAIL).arg(0)).isEqualTo(handle);
			}
		});
	}

	private static void grabAndDie(int port, String handle) {
		try (RawConnection worker = RawConnection.open("127.0.0.1", port)) {
			worker.send(PacketType.CAN_DO, "f");
			worker.send(PacketType.GRAB_JOB);
			assertThat(worker.expect(PacketType.JOB_ASSIGN).arg(0)).isEqualTo(handle);
		}
	}

	@Test
	void maxPacketSizeShouldRefuseLargerPacketsAndCloseTheConnection() {
		this.runner.withPropertyValues("gearman.server.max-packet-size=2KB").run((context) -> {
			int port = context.getBean(GearmanServer.class).port();
			try (RawConnection client = RawConnection.open("127.0.0.1", port)) {
				client.sendData(PacketType.SUBMIT_JOB_BG, "x".repeat(1500), "f", "");
				client.expect(PacketType.JOB_CREATED);
				client.sendData(PacketType.SUBMIT_JOB_BG, "x".repeat(3000), "f", "");
				Packet error = client.expect(PacketType.ERROR);
				assertThat(error.arg(0)).isEqualTo("ARGUMENT_TOO_LARGE");
				assertThat(client.closedByServer(RawConnection.READ_TIMEOUT)).isTrue();
			}
		});
	}

	@Test
	void maxConnectionsShouldCloseTheConnectionBeyondTheLimit() {
		this.runner.withPropertyValues("gearman.server.max-connections=2").run((context) -> {
			int port = context.getBean(GearmanServer.class).port();
			try (RawConnection first = RawConnection.open("127.0.0.1", port);
					RawConnection second = RawConnection.open("127.0.0.1", port)) {
				first.sync();
				second.sync();
				try (RawConnection third = RawConnection.open("127.0.0.1", port)) {
					assertThat(third.closedByServer(RawConnection.READ_TIMEOUT)).as("third connection closed").isTrue();
				}
				second.sync();
				first.close();
				// the slot is free once the server has seen the close: retry until then
				long deadline = System.nanoTime() + RawConnection.READ_TIMEOUT.toNanos();
				boolean served = false;
				while (!served && System.nanoTime() < deadline) {
					try (RawConnection again = RawConnection.open("127.0.0.1", port)) {
						again.sendData(PacketType.ECHO_REQ, "ping");
						served = !again.closedByServer(Duration.ofMillis(200));
					}
				}
				assertThat(served).as("a connection accepted after one closed").isTrue();
			}
		});
	}

	@Test
	void idleTimeoutShouldCloseSilentConnections() {
		this.runner.withPropertyValues("gearman.server.idle-timeout=300ms").run((context) -> {
			int port = context.getBean(GearmanServer.class).port();
			try (RawConnection client = RawConnection.open("127.0.0.1", port)) {
				client.sync();
				long start = System.nanoTime();
				assertThat(client.closedByServer(RawConnection.READ_TIMEOUT)).as("idle connection closed").isTrue();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
			}
		});
	}

	@Test
	void withoutIdleTimeoutSilentConnectionsShouldStayOpen() {
		this.runner.run((context) -> {
			try (RawConnection client = RawConnection.open("127.0.0.1", context.getBean(GearmanServer.class).port())) {
				client.sync();
				assertThat(client.closedByServer(Duration.ofMillis(1200))).isFalse();
				client.sync();
			}
		});
	}

	@Test
	void maxConnectionsPerAddressShouldRefuseTheConnectionBeyondTheLimit() {
		this.runner.withPropertyValues("gearman.server.max-connections-per-address=2").run((context) -> {
			int port = context.getBean(GearmanServer.class).port();
			// one after the other: connections accepted together are counted on their own event loops, in any order
			try (RawConnection first = RawConnection.open("127.0.0.1", port)) {
				first.sync();
				try (RawConnection second = RawConnection.open("127.0.0.1", port)) {
					second.sync();
					try (RawConnection third = RawConnection.open("127.0.0.1", port)) {
						assertThat(third.closedByServer(RawConnection.READ_TIMEOUT)).as("third from the address")
							.isTrue();
					}
				}
			}
		});
	}

	@Test
	void firstPacketTimeoutShouldCloseAConnectionThatSendsNothing() {
		this.runner.withPropertyValues("gearman.server.first-packet-timeout=300ms").run((context) -> {
			try (RawConnection silent = RawConnection.open("127.0.0.1", context.getBean(GearmanServer.class).port())) {
				long start = System.nanoTime();
				assertThat(silent.closedByServer(RawConnection.READ_TIMEOUT)).as("silent connection closed").isTrue();
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
			}
		});
	}

	@Test
	void functionLimitsShouldBeEnforced() {
		this.runner.withPropertyValues("gearman.server.max-function-name-length=8",
				"gearman.server.max-abilities-per-worker=2").run((context) -> {
			try (RawConnection worker = RawConnection.open("127.0.0.1", context.getBean(GearmanServer.class).port())) {
				worker.send(PacketType.CAN_DO, "123456789");
				assertThat(worker.expect(PacketType.ERROR).arg(0)).isEqualTo("ARGUMENT_TOO_LARGE");
				worker.send(PacketType.CAN_DO, "a");
				worker.send(PacketType.CAN_DO, "b");
				worker.send(PacketType.CAN_DO, "c");
				assertThat(worker.expect(PacketType.ERROR).arg(0)).isEqualTo("TOO_MANY_FUNCTIONS");
			}
		});
	}

	@Test
	void maxQueuedBytesShouldRefuseSubmissionsBeyondIt() {
		this.runner.withPropertyValues("gearman.server.max-queued-bytes=10B").run((context) -> {
			try (RawConnection client = RawConnection.open("127.0.0.1", context.getBean(GearmanServer.class).port())) {
				client.sendData(PacketType.SUBMIT_JOB_BG, "12345678901", "f", "");
				assertThat(client.expect(PacketType.ERROR).arg(1)).isEqualTo("Job queue is full (queued bytes)");
				client.sendData(PacketType.SUBMIT_JOB_BG, "1234567890", "f", "");
				client.expect(PacketType.JOB_CREATED);
			}
		});
	}

	@Test
	void invalidValueShouldFailTheStartWithTheReason() {
		this.runner.withPropertyValues("gearman.server.retry-limit=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("retryLimit: -1");
		});
	}

}
