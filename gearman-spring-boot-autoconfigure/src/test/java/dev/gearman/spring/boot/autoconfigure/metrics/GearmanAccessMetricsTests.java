package dev.gearman.spring.boot.autoconfigure.metrics;

import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServer;
import dev.gearman.server.RawConnection;
import dev.gearman.spring.boot.autoconfigure.server.GearmanServerAutoConfiguration;
import dev.gearman.spring.metrics.MicrometerAccessListener;
import dev.gearman.spring.metrics.MicrometerEngineListener;
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
 * {@code gearman.server.access.denied}: every refusal of the access policy counted by action, beside the job meters
 * (both listeners get the engine's events), with a series per action from the start.
 */
class GearmanAccessMetricsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				GearmanServerAutoConfiguration.class, GearmanMetricsAutoConfiguration.class))
		.withPropertyValues("gearman.server.enabled=true", "gearman.server.port=0",
				"gearman.server.shutdown-timeout=0s", "gearman.server.access.rules[0].identity=anonymous",
				"gearman.server.access.rules[0].submit=allowed", "gearman.server.access.rules[0].admin=read");

	@Test
	void refusalsShouldBeCountedByAction() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(MicrometerAccessListener.class)
				.hasSingleBean(MicrometerEngineListener.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("gearman.server.access.denied").counters())
				.extracting((counter) -> counter.getId().getTag("action"))
				.containsExactlyInAnyOrder("submit", "work", "status", "admin-read", "admin-write");
			int port = context.getBean(GearmanServer.class).port();
			try (RawConnection peer = RawConnection.open("127.0.0.1", port)) {
				peer.sendData(PacketType.SUBMIT_JOB, "x", "forbidden", "");
				assertThat(peer.expect(PacketType.ERROR).arg(0)).isEqualTo("PERMISSION_DENIED");
				peer.send(PacketType.CAN_DO, "allowed");
				peer.expect(PacketType.ERROR);
				assertThat(peer.admin("cancel job H:x:1", false)).startsWith("ERR PERMISSION_DENIED");
				assertThat(peer.admin("cancel job H:x:2", false)).startsWith("ERR PERMISSION_DENIED");
				// the job meters still get their events through the same engine
				peer.sendData(PacketType.SUBMIT_JOB_BG, "x", "allowed", "");
				peer.expect(PacketType.JOB_CREATED);
			}
			await().untilAsserted(() -> {
				assertThat(denied(registry, "submit")).isEqualTo(1);
				assertThat(denied(registry, "work")).isEqualTo(1);
				assertThat(denied(registry, "admin-write")).isEqualTo(2);
				assertThat(denied(registry, "admin-read")).isZero();
				assertThat(registry.get("gearman.server.jobs.submitted").tag("function", "allowed").counter().count())
					.isEqualTo(1);
			});
		});
	}

	private static double denied(MeterRegistry registry, String action) {
		return registry.get("gearman.server.access.denied").tag("action", action).counter().count();
	}

}
