package dev.gearman.spring.boot.autoconfigure.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.RawConnection;
import dev.gearman.server.store.NonDurableJobStore;
import dev.gearman.spring.health.GearmanServerHealthIndicator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the context drains the server: the port closes at once, readiness turns to REFUSING_TRAFFIC, running
 * jobs may finish within {@code gearman.server.shutdown-timeout}, and the stop does not wait longer than that.
 */
class GracefulShutdownTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class))
		.withBean(ApplicationAvailabilityBean.class)
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0");

	@Test
	void runningJobShouldFinishWhileTheServerDrains() {
		this.runner.withPropertyValues("gearman.server.shutdown-timeout=20s").run((context) -> {
			GearmanServer server = context.getBean(GearmanServer.class);
			GearmanServerHealthIndicator health = new GearmanServerHealthIndicator(server);
			int port = server.port();
			try (RawConnection client = RawConnection.open("127.0.0.1", port);
					RawConnection worker = RawConnection.open("127.0.0.1", port)) {
				client.sendData(PacketType.SUBMIT_JOB, "data", "f", "");
				String handle = client.expect(PacketType.JOB_CREATED).arg(0);
				client.sendData(PacketType.SUBMIT_JOB, "queued", "f", "");
				client.expect(PacketType.JOB_CREATED);
				worker.send(PacketType.CAN_DO, "f");
				worker.send(PacketType.GRAB_JOB);
				worker.expect(PacketType.JOB_ASSIGN);

				CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
				RawConnection.awaitRefused("127.0.0.1", port);
				assertThat(server.state()).isEqualTo(GearmanServer.State.DRAINING);
				assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
				assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
					.isEqualTo(ReadinessState.REFUSING_TRAFFIC);
				assertThat(closing).as("stop waits for the running job").isNotDone();

				worker.send(PacketType.GRAB_JOB);
				worker.expect(PacketType.NO_JOB);
				worker.sendData(PacketType.WORK_COMPLETE, "result", handle);
				assertThat(client.expect(PacketType.WORK_COMPLETE).arg(0)).isEqualTo(handle);
				closing.get(10, TimeUnit.SECONDS);
				assertThat(server.state()).isEqualTo(GearmanServer.State.STOPPED);
				assertThat(client.closedByServer(RawConnection.READ_TIMEOUT)).isTrue();
			}
		});
	}

	@Test
	void stopShouldNotWaitLongerThanTheShutdownTimeout() {
		this.runner.withPropertyValues("gearman.server.shutdown-timeout=300ms").run((context) -> {
			GearmanServer server = context.getBean(GearmanServer.class);
			try (RawConnection worker = RawConnection.open("127.0.0.1", server.port())) {
				worker.sendData(PacketType.SUBMIT_JOB_BG, "never finishes", "f", "");
				worker.expect(PacketType.JOB_CREATED);
				worker.send(PacketType.CAN_DO, "f");
				worker.send(PacketType.GRAB_JOB);
				worker.expect(PacketType.JOB_ASSIGN);
				long start = System.nanoTime();
				context.close();
				Duration took = Duration.ofNanos(System.nanoTime() - start);
				assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(250)).isLessThan(Duration.ofSeconds(8));
				assertThat(server.state()).isEqualTo(GearmanServer.State.STOPPED);
			}
		});
	}

	@Test
	void lastResultsShouldReachTheirClientsBeforeConnectionsClose() throws Exception {
		// the race between the engine's last writes and the closing of connections: repeat to catch it
		for (int i = 0; i < 15; i++) {
			GearmanServerSettings settings = new GearmanServerSettings();
			settings.setPort(0);
			settings.setShutdownTimeout(Duration.ofSeconds(10));
			GearmanServer server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
			server.start();
			try (RawConnection client = RawConnection.open("127.0.0.1", server.port());
					RawConnection worker = RawConnection.open("127.0.0.1", server.port())) {
				client.sendData(PacketType.SUBMIT_JOB, "data", "f", "");
				String handle = client.expect(PacketType.JOB_CREATED).arg(0);
				worker.send(PacketType.CAN_DO, "f");
				worker.send(PacketType.GRAB_JOB);
				worker.expect(PacketType.JOB_ASSIGN);
				CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
				await().atMost(RawConnection.READ_TIMEOUT).until(() -> server.state() == GearmanServer.State.DRAINING);
				worker.sendData(PacketType.WORK_COMPLETE, "result " + i, handle);
				Packet complete = client.expect(PacketType.WORK_COMPLETE);
				assertThat(new String(complete.data(), StandardCharsets.UTF_8)).isEqualTo("result " + i);
				stopping.get(10, TimeUnit.SECONDS);
			}
			finally {
				server.stop();
			}
		}
	}

}
