package dev.gearman.dashboard.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

import dev.gearman.dashboard.ThroughputHistory;

/**
 * One chart of the overview, drawn by the page as plain SVG: a polyline per series over the last hour (or since the
 * first sample, if that is more recent: a server that started a few minutes ago fills the chart), scaled to the
 * largest value. Computed here so that the template only places what it is given.
 *
 * @param title the chart's title
 * @param unit what the values count, e.g. {@code jobs/s}
 * @param max the value at the top of the chart
 * @param spanMinutes how many minutes the chart spans
 * @param series the lines
 */
public record ChartView(String title, String unit, double max, long spanMinutes, List<Series> series) {

	/** The shortest span a chart shows. */
	static final long MIN_SPAN_MILLIS = 60_000;

	/** The drawing's width in SVG units. */
	public static final int WIDTH = 600;

	/** The drawing's height in SVG units. */
	public static final int HEIGHT = 140;

	/**
	 * Jobs completed and failed per second.
	 * @param points the history
	 * @param nowMillis the right edge of the chart
	 * @return the chart
	 */
	public static ChartView throughput(List<ThroughputHistory.Point> points, long nowMillis) {
		return of("Jobs finished", "jobs/s", points, nowMillis,
				new Line("completed", "completed", ThroughputHistory.Point::completedPerSecond),
				new Line("failed", "failed", ThroughputHistory.Point::failedPerSecond));
	}

	/**
	 * Jobs queued, running and waiting to be retried.
	 * @param points the history
	 * @param nowMillis the right edge of the chart
	 * @return the chart
	 */
	public static ChartView depth(List<ThroughputHistory.Point> points, long nowMillis) {
		return of("Queue depth", "jobs", points, nowMillis,
				new Line("queued", "queued", ThroughputHistory.Point::queued),
				new Line("running", "running", ThroughputHistory.Point::running),
				new Line("waiting to retry", "waiting", ThroughputHistory.Point::waiting));
	}

	private static ChartView of(String title, String unit, List<ThroughputHistory.Point> points, long nowMillis,
			Line... lines) {
		double max = 0;
		for (Line line : lines) {
			for (ThroughputHistory.Point point : points) {
				max = Math.max(max, line.value().applyAsDouble(point));
			}
		}
		double top = niceCeiling(max);
		long span = ThroughputHistory.SPAN.toMillis();
		if (!points.isEmpty()) {
			span = Math.max(MIN_SPAN_MILLIS, Math.min(span, nowMillis - points.get(0).atMillis()));
		}
		List<Series> series = new ArrayList<>(lines.length);
		for (Line line : lines) {
			StringBuilder path = new StringBuilder(points.size() * 14);
			double last = 0;
			for (ThroughputHistory.Point point : points) {
				double x = WIDTH * (1 - (double) (nowMillis - point.atMillis()) / span);
				if (x < 0) {
					continue;
				}
				last = line.value().applyAsDouble(point);
				double y = HEIGHT - HEIGHT * last / top;
				path.append(String.format(Locale.ROOT, "%.1f,%.1f ", Math.min(WIDTH, x), y));
			}
			series.add(new Series(line.label(), line.css(), path.toString().strip(), last));
		}
		return new ChartView(title, unit, top, (span + 30_000) / 60_000, List.copyOf(series));
	}

	/** The smallest of 1, 2, 5 × 10^n at or above a value (at least 1), so that the axis reads well. */
	static double niceCeiling(double value) {
		if (value <= 1) {
			return 1;
		}
		double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
		for (double step : new double[] { 1, 2, 5, 10 }) {
			if (step * magnitude >= value) {
				return step * magnitude;
			}
		}
		return 10 * magnitude;
	}

	/**
	 * One line of a chart.
	 *
	 * @param label what it shows
	 * @param css its style class
	 * @param points the SVG polyline points, oldest first
	 * @param latest its latest value
	 */
	public record Series(String label, String css, String points, double latest) {
	}

	private record Line(String label, String css, ToDoubleFunction<ThroughputHistory.Point> value) {
	}

}
