package dev.gearman.spring.boot.autoconfigure.metrics;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.metrics.GearmanDeadLetterMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The retry meters, fed by a real server with a retry policy: retries scheduled and their backoff, jobs that died,
 * and the dead letters held per function.
 */
class RetryMetricsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				GearmanServerAutoConfiguration.class, GearmanMetricsAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=0s", "gearman.server.metrics.refresh-interval=50ms",
				"gearman.server.retry.max-attempts=2", "gearman.server.retry.initial-delay=100ms",
				"gearman.server.retry.jitter=0");

	@Test
	void retriesDeadJobsAndDeadLettersShouldBeMetered() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(GearmanDeadLetterMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			int port = context.getBean(GearmanServer.class).port();
			try (RawConnection client = RawConnection.open("127.0.0.1", port);
					RawConnection worker = RawConnection.worker("127.0.0.1", port, "w", "pay")) {
				String handle = client.submitBackground(PacketType.SUBMIT_JOB_BG, "pay", "p-1", "data");
				worker.send(PacketType.GRAB_JOB);
				worker.expect(PacketType.JOB_ASSIGN);
				worker.send(PacketType.WORK_FAIL, handle);
				// the second attempt, once the 100 ms backoff is over
				worker.grabBlocking(Duration.ofSeconds(10));
				worker.send(PacketType.WORK_FAIL, handle);
				worker.sync();
			}
			assertThat(registry.get("gearman.server.retries.scheduled").tag("function", "pay").counter().count())
				.isEqualTo(1);
			Timer delay = registry.get("gearman.server.retries.delay").tag("function", "pay").timer();
			assertThat(delay.count()).isEqualTo(1);
			assertThat(delay.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(100);
			assertThat(registry.get("gearman.server.jobs.dead").tag("function", "pay").counter().count()).isEqualTo(1);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.find("gearman.server.dead.letters").tag("function", "pay").gauge() != null
						&& registry.get("gearman.server.dead.letters").tag("function", "pay").gauge().value() == 1);
		});
	}

}
