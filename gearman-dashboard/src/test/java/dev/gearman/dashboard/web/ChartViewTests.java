package dev.gearman.dashboard.web;

import java.util.List;

import dev.gearman.dashboard.ThroughputHistory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overview's charts as the page draws them: the top of the scale reads well, points are placed by their time
 * over the span (the last hour, or since the first sample), and each line knows its latest value.
 */
class ChartViewTests {

	@Test
	void topOfTheScaleShouldBeOneTwoOrFiveTimesAPowerOfTen() {
		assertThat(ChartView.niceCeiling(0)).isEqualTo(1);
		assertThat(ChartView.niceCeiling(1.5)).isEqualTo(2);
		assertThat(ChartView.niceCeiling(3)).isEqualTo(5);
		assertThat(ChartView.niceCeiling(7)).isEqualTo(10);
		assertThat(ChartView.niceCeiling(163)).isEqualTo(200);
		assertThat(ChartView.niceCeiling(5000)).isEqualTo(5000);
	}

	@Test
	void pointsShouldBePlacedByTimeAndValue() {
		long now = 10_000_000;
		List<ThroughputHistory.Point> points = List.of(new ThroughputHistory.Point(now - 120_000, 0, 0, 10, 0, 0),
				new ThroughputHistory.Point(now - 60_000, 0, 0, 5, 0, 0),
				new ThroughputHistory.Point(now, 0, 0, 0, 2, 0));
		ChartView depth = ChartView.depth(points, now);
		assertThat(depth.max()).isEqualTo(10);
		assertThat(depth.spanMinutes()).as("since the first sample").isEqualTo(2);
		assertThat(depth.series()).extracting(ChartView.Series::label)
			.containsExactly("queued", "running", "waiting to retry");
		ChartView.Series queued = depth.series().get(0);
		assertThat(queued.points()).isEqualTo("0.0,0.0 300.0,70.0 600.0,140.0");
		assertThat(queued.latest()).isZero();
		assertThat(depth.series().get(1).latest()).isEqualTo(2);
	}

	@Test
	void emptyHistoryShouldDrawNothing() {
		ChartView throughput = ChartView.throughput(List.of(), 0);
		assertThat(throughput.max()).isEqualTo(1);
		assertThat(throughput.spanMinutes()).isEqualTo(60);
		assertThat(throughput.series()).allSatisfy((line) -> assertThat(line.points()).isEmpty());
	}

}
