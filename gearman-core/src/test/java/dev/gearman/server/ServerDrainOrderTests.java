package dev.gearman.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.RecordingJobStore;
import dev.gearman.server.store.StoredJob;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping tells the engine to hand out no more jobs before the port closes, so a worker that saw the port close
 * gets NO_JOB. The port used to close first and the engine to hear of the drain after, which let a GRAB_JOB sent
 * in between take a queued job (seen once in CI).
 */
class ServerDrainOrderTests {

	@Test
	void thePortClosesOnlyOnceTheEngineHandsOutNoMoreJobs() throws Exception {
		CountDownLatch engineMayGoOn = new CountDownLatch(1);
		CountDownLatch engineHeld = new CountDownLatch(1);
		// holds the engine's thread inside a store call, so that the drain waits in its queue
		RecordingJobStore store = new RecordingJobStore() {
			@Override
			public void add(StoredJob job, Consumer<Throwable> callback) {
				if (job.function().equals("hold")) {
					engineHeld.countDown();
					await(engineMayGoOn);
				}
				super.add(job, callback);
			}
		};
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress(TestServers.HOST);
		settings.setPort(0);
		settings.setShutdownTimeout(Duration.ofSeconds(10));
		GearmanServer server = new GearmanServer(settings, store);
		server.start();
		int port = server.port();
		try (RawConnection client = RawConnection.open(TestServers.HOST, port);
				RawConnection worker = RawConnection.open(TestServers.HOST, port)) {
			client.sendData(PacketType.SUBMIT_JOB, "running", "f", "");
			String handle = client.expect(PacketType.JOB_CREATED).arg(0);
			client.sendData(PacketType.SUBMIT_JOB_BG, "queued", "f", "");
			client.expect(PacketType.JOB_CREATED);
			worker.send(PacketType.CAN_DO, "f");
			worker.send(PacketType.GRAB_JOB);
			worker.expect(PacketType.JOB_ASSIGN);

			client.sendData(PacketType.SUBMIT_JOB_BG, "data", "hold", "");
			assertThat(engineHeld.await(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
			Thread.sleep(300);
			assertThat(RawConnection.accepts(TestServers.HOST, port))
				.as("port open while the engine has not taken the drain in")
				.isTrue();
			engineMayGoOn.countDown();
			client.expect(PacketType.JOB_CREATED);
			RawConnection.awaitRefused(TestServers.HOST, port);
			worker.send(PacketType.GRAB_JOB);
			worker.expect(PacketType.NO_JOB);
			worker.sendData(PacketType.WORK_COMPLETE, "result", handle);
			assertThat(client.expect(PacketType.WORK_COMPLETE).arg(0)).isEqualTo(handle);
			stopping.get(10, TimeUnit.SECONDS);
		}
		finally {
			engineMayGoOn.countDown();
			server.stop();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
