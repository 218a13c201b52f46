package dev.gearman.spring.boot.autoconfigure.metrics;

import java.time.Duration;
import java.util.function.Consumer;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import dev.gearman.server.store.JobStore;
import dev.gearman.server.store.JobStoreListener;
import dev.gearman.server.store.RecordingJobStore;
import dev.gearman.server.store.StoredJob;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.metrics.FunctionTags;
import dev.gearman.spring.metrics.GearmanServerMetrics;
import dev.gearman.spring.metrics.MicrometerEngineListener;
import dev.gearman.spring.metrics.MicrometerJobStoreListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's meters: beans and conditions, and values that follow the jobs pushed through a real server.
 */
class GearmanServerMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				GearmanServerAutoConfiguration.class, GearmanMetricsAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=0s", "gearman.server.metrics.refresh-interval=50ms");

	@Test
	void serverMeterBeansShouldExistWithARegistryAndAServer() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(FunctionTags.class)
			.hasSingleBean(MicrometerEngineListener.class)
			.hasSingleBean(MicrometerJobStoreListener.class)
			.hasSingleBean(GearmanServerMetrics.class));
	}

	@Test
	void withoutAServerThereShouldBeNoServerMeters() {
		this.runner.withPropertyValues("gearman.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerEngineListener.class)
				.doesNotHaveBean(GearmanServerMetrics.class)
				.doesNotHaveBean(FunctionTags.class));
	}

	@Test
	void withoutARegistryTheServerShouldRunWithoutMeters() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(GearmanServerAutoConfiguration.class,
					GearmanMetricsAutoConfiguration.class))
			.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(GearmanServer.class)
				.doesNotHaveBean(MicrometerEngineListener.class));
	}

	@Test
	void metersShouldFollowTheJobsThroughTheServer() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			int port = context.getBean(GearmanServer.class).port();
			try (RawConnection client = RawConnection.open("127.0.0.1", port);
					RawConnection worker = RawConnection.open("127.0.0.1", port)) {
				client.sendData(PacketType.SUBMIT_JOB_HIGH_BG, "a", "resize", "");
				client.expect(PacketType.JOB_CREATED);
				client.sendData(PacketType.SUBMIT_JOB_BG, "b", "resize", "");
				client.expect(PacketType.JOB_CREATED);
				client.sendData(PacketType.SUBMIT_JOB_LOW_BG, "c", "resize", "");
				String low = client.expect(PacketType.JOB_CREATED).arg(0);
				worker.send(PacketType.CAN_DO, "resize");
				worker.sync();

				awaitGauge(registry, "gearman.server.jobs.queued", 1, "function", "resize", "priority", "high");
				awaitGauge(registry, "gearman.server.jobs.queued", 1, "function", "resize", "priority", "normal");
				awaitGauge(registry, "gearman.server.jobs.queued", 1, "function", "resize", "priority", "low");
				awaitGauge(registry, "gearman.server.workers", 1, "function", "resize");
				awaitGauge(registry, "gearman.server.connections", 1, "role", "worker");
				awaitGauge(registry, "gearman.server.connections", 1, "role", "client");
				assertThat(registry.get("gearman.server.jobs.submitted").tag("function", "resize").counter().count())
					.isEqualTo(3);

				String high = grab(worker);
				awaitGauge(registry, "gearman.server.jobs.running", 1, "function", "resize");
				awaitGauge(registry, "gearman.server.jobs.queued", 0, "function", "resize", "priority", "high");
				worker.sendData(PacketType.WORK_COMPLETE, "done", high);
				String normal = grab(worker);
				worker.send(PacketType.WORK_FAIL, normal);
				assertThat(grab(worker)).isEqualTo(low);
				worker.sendData(PacketType.WORK_EXCEPTION, "boom", low);
				worker.sync();

				awaitGauge(registry, "gearman.server.jobs.running", 0, "function", "resize");
				assertThat(count(registry, "gearman.server.jobs.completed")).isEqualTo(1);
				assertThat(count(registry, "gearman.server.jobs.failed")).isEqualTo(1);
				assertThat(count(registry, "gearman.server.jobs.exceptions")).isEqualTo(1);
				assertThat(registry.get("gearman.server.jobs.queue.wait").tag("function", "resize").timer().count())
					.isEqualTo(3);
				assertThat(registry.get("gearman.server.jobs.run").tag("function", "resize").timer().count())
					.isEqualTo(3);
			}
		});
	}

	@Test
	void functionTagsShouldBeCappedWithTheRestUnderOther() {
		this.runner.withPropertyValues("gearman.server.metrics.max-functions=2").run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			try (RawConnection client = RawConnection.open("127.0.0.1", context.getBean(GearmanServer.class).port())) {
				for (String function : new String[] { "f1", "f2", "f3", "f4" }) {
					client.sendData(PacketType.SUBMIT_JOB_BG, "x", function, "");
					client.expect(PacketType.JOB_CREATED);
				}
			}
			awaitGauge(registry, "gearman.server.jobs.queued", 2, "function", FunctionTags.OTHER, "priority", "normal");
			assertThat(registry.find("gearman.server.jobs.submitted").counters())
				.extracting((counter) -> counter.getId().getTag("function"))
				.containsExactlyInAnyOrder("f1", "f2", FunctionTags.OTHER);
			assertThat(registry.get("gearman.server.jobs.submitted").tag("function", FunctionTags.OTHER).counter()
				.count()).isEqualTo(2);
			assertThat(registry.find("gearman.server.jobs.queued").tag("function", "f3").gauges()).isEmpty();
		});
	}

	@Test
	void storeBatchesShouldBeMeasured() {
		BatchingStore store = new BatchingStore();
		this.runner.withBean(JobStore.class, () -> store).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(store.listener).isSameAs(context.getBean(MicrometerJobStoreListener.class));
			try (RawConnection client = RawConnection.open("127.0.0.1", context.getBean(GearmanServer.class).port())) {
				client.sendData(PacketType.SUBMIT_JOB_BG, "x", "f", "u1");
				client.expect(PacketType.JOB_CREATED);
				client.sendData(PacketType.SUBMIT_JOB_BG, "y", "f", "u2");
				client.expect(PacketType.JOB_CREATED);
			}
			assertThat(registry.get("gearman.server.store.batch.size").tag("operation", "insert").summary().count())
				.isEqualTo(2);
			assertThat(registry.get("gearman.server.store.commit").tag("operation", "insert").timer()
				.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(6);
		});
	}

	private static String grab(RawConnection worker) {
		worker.send(PacketType.GRAB_JOB);
		return worker.expectSkippingNoop(PacketType.JOB_ASSIGN).arg(0);
	}

	private static double count(MeterRegistry registry, String name) {
		return registry.get(name).tag("function", "resize").counter().count();
	}

	private static void awaitGauge(MeterRegistry registry, String name, double expected, String... tags) {
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			Gauge gauge = registry.find(name).tags(tags).gauge();
			assertThat(gauge).as("gauge %s %s", name, String.join(",", tags)).isNotNull();
			assertThat(gauge.value()).as("gauge %s %s", name, String.join(",", tags)).isEqualTo(expected);
		});
	}

	/** A durable store that "commits" each add as a batch of one taking 3 ms, and reports it. */
	static final class BatchingStore extends RecordingJobStore {

		volatile JobStoreListener listener = JobStoreListener.NONE;

		@Override
		public void add(StoredJob job, Consumer<Throwable> callback) {
			this.listener.batchCommitted(JobStoreListener.Operation.INSERT, 1, 3_000_000L);
			super.add(job, callback);
		}

		@Override
		public void setListener(JobStoreListener listener) {
			this.listener = listener;
		}

	}

}
