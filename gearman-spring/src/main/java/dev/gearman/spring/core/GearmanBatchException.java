package dev.gearman.spring.core;

import java.util.concurrent.CancellationException;

import dev.gearman.GearmanException;

/**
 * Some calls of a batch failed. Carries every outcome, so the results of the calls that succeeded are not lost;
 * its cause is the first failure.
 */
public class GearmanBatchException extends GearmanException {

	private static final long serialVersionUID = 1L;

	private final transient BatchResult<?> result;

	/**
	 * Creates an exception.
	 * @param result the batch's outcomes, at least one of them a failure
	 */
	public GearmanBatchException(BatchResult<?> result) {
		super(result.failures().size() + " of " + result.items().size() + " calls of the batch failed; first: "
				+ firstFailure(result).getMessage(), firstFailure(result));
		this.result = result;
	}

	/**
	 * Every outcome of the batch.
	 * @return the result
	 */
	public BatchResult<?> result() {
		return this.result;
	}

	/** The first failure in payload order, not counting calls cancelled because of it. */
	private static RuntimeException firstFailure(BatchResult<?> result) {
		RuntimeException cancelled = null;
		for (BatchResult.Item<?> item : result.items()) {
			RuntimeException failure = item.failure();
			if (failure instanceof CancellationException) {
				cancelled = (cancelled != null) ? cancelled : failure;
			}
			else if (failure != null) {
				return failure;
			}
		}
		if (cancelled != null) {
			return cancelled;
		}
		throw new IllegalArgumentException("result: " + result + " (expected: at least one failure)");
	}

}
