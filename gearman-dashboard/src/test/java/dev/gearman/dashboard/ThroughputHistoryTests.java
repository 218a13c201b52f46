package dev.gearman.dashboard;

import java.time.Duration;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.engine.EngineQueries;
import dev.gearman.server.store.NonDurableJobStore;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hour of samples behind the charts: rates between consecutive samples, never negative when the server starts
 * counting again, an hour's worth kept and no more, and samples taken on their own from a running server.
 */
class ThroughputHistoryTests {

	@Test
	void pointsShouldHoldTheRatesBetweenSamples() {
		try (ThroughputHistory history = new ThroughputHistory(notStarted(), Duration.ofSeconds(10))) {
			history.add(sample(0, 100, 10, 5));
			history.add(sample(10_000, 150, 12, 7));
			history.add(sample(20_000, 20, 0, 1));
			assertThat(history.points()).containsExactly(
					new ThroughputHistory.Point(10_000, 5.0, 0.2, 7, 0, 0),
					new ThroughputHistory.Point(20_000, 0.0, 0.0, 1, 0, 0));
		}
	}

	@Test
	void anHourOfSamplesShouldBeKeptAndNoMore() {
		try (ThroughputHistory history = new ThroughputHistory(notStarted(), Duration.ofSeconds(10))) {
			for (int i = 0; i < 1000; i++) {
				history.add(sample(i * 10_000L, i, 0, 0));
			}
			assertThat(history.samples()).hasSize(361);
			assertThat(history.samples().get(0).atMillis()).isEqualTo(639 * 10_000L);
		}
	}

	@Test
	void runningServerShouldBeSampledOnItsOwn() {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress("127.0.0.1");
		settings.setPort(0);
		try (GearmanServer server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
				ThroughputHistory history = new ThroughputHistory(server, Duration.ofMillis(100))) {
			server.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> history.points().size() >= 2);
		}
	}

	private static GearmanServer notStarted() {
		return new GearmanServer(new GearmanServerSettings(), NonDurableJobStore.INSTANCE);
	}

	private static ThroughputHistory.Sample sample(long atMillis, long completed, long failed, int queued) {
		return new ThroughputHistory.Sample(atMillis, new EngineQueries.Counters(0, queued, 0, 0, 0, completed,
				failed));
	}

}
