package dev.gearman.spring.metrics;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.store.JobStoreListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * A durable store's group commits as meters, tagged by {@code operation} (insert or delete):
 * {@code gearman.server.store.batch.size} (jobs per committed batch), {@code gearman.server.store.commit} (time
 * to write and commit a batch) and {@code gearman.server.store.batch.failures}. Thread-safe.
 */
public class MicrometerJobStoreListener implements JobStoreListener {

	private static final double[] SIZE_BUCKETS = { 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000 };

	private final Map<Operation, DistributionSummary> sizes = new EnumMap<>(Operation.class);

	private final Map<Operation, Timer> commits = new EnumMap<>(Operation.class);

	private final Map<Operation, Counter> failures = new EnumMap<>(Operation.class);

	/**
	 * Creates the listener and registers its meters.
	 * @param registry where the meters go
	 */
	public MicrometerJobStoreListener(MeterRegistry registry) {
		for (Operation operation : Operation.values()) {
			String tag = operation.name().toLowerCase(Locale.ROOT);
			this.sizes.put(operation, DistributionSummary.builder("gearman.server.store.batch.size")
				.tag("operation", tag)
				.description("Jobs written per committed store batch")
				.serviceLevelObjectives(SIZE_BUCKETS)
				.register(registry));
			this.commits.put(operation, Timer.builder("gearman.server.store.commit")
				.tag("operation", tag)
				.description("Time to write and commit one store batch")
				.serviceLevelObjectives(MicrometerEngineListener.BUCKETS)
				.register(registry));
			this.failures.put(operation, Counter.builder("gearman.server.store.batch.failures")
				.tag("operation", tag)
				.description("Store batches that failed and were rolled back")
				.register(registry));
		}
	}

	@Override
	public void batchCommitted(Operation operation, int size, long commitNanos) {
		this.sizes.get(operation).record(size);
		this.commits.get(operation).record(commitNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void batchFailed(Operation operation, int size, Throwable failure) {
		this.failures.get(operation).increment();
	}

}
