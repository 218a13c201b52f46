package dev.gearman.spring.test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.gearman.worker.JobContext;

/**
 * Keeps what a handler reports through its {@link JobContext} (progress, partial data, warnings), for a test that
 * built the context itself:
 * <pre class="code">
 * RecordingReporter reports = new RecordingReporter();
 * JobContext job = JobContext.builder("resize").payload(image).reporter(reports).build();
 * worker.resize(job);
 * assertThat(reports.statuses()).last().isEqualTo(new RecordingReporter.Status(3, 3));
 * </pre>
 * Thread-safe.
 */
public final class RecordingReporter implements JobContext.Reporter {

	private final List<Status> statuses = new CopyOnWriteArrayList<>();

	private final List<byte[]> data = new CopyOnWriteArrayList<>();

	private final List<byte[]> warnings = new CopyOnWriteArrayList<>();

	@Override
	public void status(long numerator, long denominator) {
		this.statuses.add(new Status(numerator, denominator));
	}

	@Override
	public void data(byte[] data) {
		this.data.add(data.clone());
	}

	@Override
	public void warning(byte[] data) {
		this.warnings.add(data.clone());
	}

	/**
	 * The progress reports, in order.
	 * @return the statuses
	 */
	public List<Status> statuses() {
		return List.copyOf(this.statuses);
	}

	/**
	 * The partial results, in order.
	 * @return the data
	 */
	public List<byte[]> data() {
		return List.copyOf(this.data);
	}

	/**
	 * The warnings, in order, as UTF-8 text.
	 * @return the warnings
	 */
	public List<String> warnings() {
		return this.warnings.stream().map((warning) -> new String(warning, StandardCharsets.UTF_8)).toList();
	}

	/**
	 * One progress report.
	 *
	 * @param numerator work done
	 * @param denominator work in all
	 */
	public record Status(long numerator, long denominator) {
	}

}
