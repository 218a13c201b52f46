package dev.gearman.spring.boot.autoconfigure.health;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.RecordingJobStore;
import dev.gearman.server.store.StoreInstance;
import dev.gearman.server.store.StoredJob;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.health.GearmanServerHealthIndicator;
import dev.gearman.spring.health.GearmanStoreHealthIndicator;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code gearmanServer} and {@code gearmanStore} health components: conditions, and the status they report in
 * each phase of the server's life.
 */
class GearmanServerHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class,
				GearmanServerHealthContributorAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=0s");

	@Test
	void runningServerWithMemoryStoreShouldBeUp() {
		this.runner.run((context) -> {
			Health server = context.getBean(GearmanServerHealthIndicator.class).health();
			assertThat(server.getStatus()).isEqualTo(Status.UP);
			assertThat(server.getDetails()).containsEntry("state", "RUNNING")
				.containsEntry("port", context.getBean(GearmanServer.class).port());
			Health store = context.getBean(GearmanStoreHealthIndicator.class).health();
			assertThat(store.getStatus()).isEqualTo(Status.UP);
			assertThat(store.getDetails()).containsEntry("durable", false).containsEntry("type", "NonDurableJobStore");
		});
	}

	@Test
	void indicatorsShouldBeNamedForTheirHealthComponents() {
		this.runner.run((context) -> assertThat(context).hasBean("gearmanServerHealthIndicator")
			.hasBean("gearmanStoreHealthIndicator"));
	}

	@Test
	void eachIndicatorCanBeSwitchedOff() {
		this.runner.withPropertyValues("management.health.gearman-server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GearmanServerHealthIndicator.class)
				.hasSingleBean(GearmanStoreHealthIndicator.class));
		this.runner.withPropertyValues("management.health.gearman-store.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(GearmanServerHealthIndicator.class)
				.doesNotHaveBean(GearmanStoreHealthIndicator.class));
	}

	@Test
	void withoutAServerThereShouldBeNoIndicators() {
		this.runner.withPropertyValues("gearman.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(GearmanServerHealthIndicator.class)
				.doesNotHaveBean(GearmanStoreHealthIndicator.class));
	}

	@Test
	void unavailableStoreShouldBeDown() {
		ToggleStore store = new ToggleStore();
		this.runner.withBean(JobStore.class, () -> store).run((context) -> {
			GearmanStoreHealthIndicator indicator = context.getBean(GearmanStoreHealthIndicator.class);
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
			assertThat(indicator.health().getDetails()).containsEntry("durable", true);
			store.available = false;
			assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
			assertThat(indicator.health().getDetails()).containsEntry("lastFailure", "connection refused");
			store.available = true;
			assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void aSharedStoreShouldListTheServersSharingIt() {
		StoreInstance self = new StoreInstance("abc-1", "gearman-a:4730", StoreInstance.State.ALIVE,
				Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:05:00Z"), 12, true);
		StoreInstance dead = new StoreInstance("xyz-1", "gearman-b:4730", StoreInstance.State.EXPIRED,
				Instant.parse("2026-12-01T09:00:00Z"), Instant.parse("2026-12-01T10:04:50Z"), 3, false);
		this.runner.withBean(JobStore.class, () -> new SharedStore(List.of(self, dead)))
			.run((context) -> assertThat(context.getBean(GearmanStoreHealthIndicator.class).health().getDetails())
				.containsEntry("instances", List.of(self, dead)));
		this.runner.withBean(JobStore.class, ToggleStore::new)
			.run((context) -> assertThat(context.getBean(GearmanStoreHealthIndicator.class).health().getDetails())
				.doesNotContainKey("instances"));
	}

	@Test
	void serverShouldBeOutOfServiceWhileReplaying() throws Exception {
		ToggleStore store = new ToggleStore();
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setPort(0);
		settings.setShutdownTimeout(java.time.Duration.ZERO);
		GearmanServer server = new GearmanServer(settings, store);
		GearmanServerHealthIndicator indicator = new GearmanServerHealthIndicator(server);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
		CompletableFuture<Void> starting = CompletableFuture.runAsync(server::start);
		try {
			assertThat(store.replayStarted.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(indicator.health().getDetails()).containsEntry("state", "REPLAYING");
			store.replayMayFinish.countDown();
			starting.get(5, TimeUnit.SECONDS);
			await().untilAsserted(() -> assertThat(indicator.health().getStatus()).isEqualTo(Status.UP));
		}
		finally {
			store.replayMayFinish.countDown();
			server.stop();
		}
		assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(indicator.health().getDetails()).containsEntry("state", "STOPPED");
	}

	/** A store several servers share, which lists them. */
	static final class SharedStore extends RecordingJobStore {

		private final List<StoreInstance> instances;

		SharedStore(List<StoreInstance> instances) {
			this.instances = instances;
		}

		@Override
		public boolean isShared() {
			return true;
		}

		@Override
		public List<StoreInstance> instances() {
			return this.instances;
		}

	}

	/** A durable store whose availability the test switches, and whose replay waits for the test. */
	static final class ToggleStore extends RecordingJobStore {

		volatile boolean available = true;

		final CountDownLatch replayStarted = new CountDownLatch(1);

		final CountDownLatch replayMayFinish = new CountDownLatch(1);

		@Override
		public boolean isAvailable() {
			return this.available;
		}

		@Override
		public String lastFailure() {
			return this.available ? null : "connection refused";
		}

		@Override
		public void replay(Consumer<StoredJob> sink) {
			this.replayStarted.countDown();
			try {
				this.replayMayFinish.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
