package dev.gearman.spring.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds {@link BatchResult}s for tests of other packages.
 */
public final class BatchResultTestAccess {

	private BatchResultTestAccess() {
	}

	/**
	 * A batch whose items failed with the given exceptions, in order.
	 * @param failures the failures
	 * @return the result
	 */
	public static BatchResult<Object> of(List<RuntimeException> failures) {
		List<BatchResult.Item<Object>> items = new ArrayList<>();
		for (RuntimeException failure : failures) {
			items.add(new BatchResult.Item<>(items.size(), null, failure));
		}
		return new BatchResult<>(items);
	}

}
