package dev.gearman.spring.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of every call of a batch ({@link GearmanTemplate#callAll}), in the order of the payloads: a result
 * or a failure each, so that one failing item does not lose the results of the others.
 *
 * @param <T> the result type
 */
public final class BatchResult<T> {

	private final List<Item<T>> items;

	BatchResult(List<Item<T>> items) {
		this.items = List.copyOf(items);
	}

	/**
	 * Waits for the calls of a batch.
	 * @param calls the calls, in payload order
	 * @param mode whether to stop at the first failure
	 * @return every outcome
	 * @throws GearmanBatchException in {@link Mode#FAIL_FAST}, at the first failure
	 */
	static <T> BatchResult<T> await(List<CompletableFuture<T>> calls, Mode mode) {
		if (mode == Mode.FAIL_FAST) {
			CompletableFuture<Void> firstFailure = new CompletableFuture<>();
			calls.forEach((call) -> call.whenComplete((value, failure) -> {
				if (failure != null) {
					firstFailure.complete(null);
				}
			}));
			CompletableFuture.anyOf(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)), firstFailure)
				.handle((done, failure) -> null)
				.join();
			// gives the calls still running up: their queued jobs are dropped by the job server
			calls.forEach((call) -> call.cancel(true));
		}
		List<Item<T>> items = new ArrayList<>(calls.size());
		for (int i = 0; i < calls.size(); i++) {
			try {
				items.add(new Item<>(i, Futures.await(calls.get(i)), null));
			}
			catch (RuntimeException ex) {
				items.add(new Item<>(i, null, ex));
			}
		}
		BatchResult<T> result = new BatchResult<>(items);
		if (mode == Mode.FAIL_FAST && !result.allSucceeded()) {
			throw new GearmanBatchException(result);
		}
		return result;
	}

	/**
	 * Every item, in payload order.
	 * @return the items
	 */
	public List<Item<T>> items() {
		return this.items;
	}

	/**
	 * Whether every call returned a result.
	 * @return {@code true} if none failed
	 */
	public boolean allSucceeded() {
		return this.items.stream().allMatch(Item::succeeded);
	}

	/**
	 * Every result, in payload order, if every call succeeded.
	 * @return the results
	 * @throws GearmanBatchException if any call failed; it carries this result
	 */
	public List<@Nullable T> values() {
		if (!allSucceeded()) {
			throw new GearmanBatchException(this);
		}
		List<@Nullable T> values = new ArrayList<>(this.items.size());
		for (Item<T> item : this.items) {
			values.add(item.value());
		}
		return values;
	}

	/**
	 * The results of the calls that succeeded, in payload order.
	 * @return the results
	 */
	public List<@Nullable T> successes() {
		List<@Nullable T> values = new ArrayList<>();
		for (Item<T> item : this.items) {
			if (item.succeeded()) {
				values.add(item.value());
			}
		}
		return values;
	}

	/**
	 * The items whose call failed, in payload order.
	 * @return the failed items
	 */
	public List<Item<T>> failures() {
		return this.items.stream().filter((item) -> !item.succeeded()).toList();
	}

	@Override
	public String toString() {
		return "BatchResult of " + this.items.size() + " calls, " + failures().size() + " failed";
	}

	/**
	 * One call of a batch.
	 *
	 * @param <T> the result type
	 * @param index the payload's position in the batch
	 * @param value the result, {@code null} if the call failed (or returned nothing)
	 * @param failure what the call failed with, {@code null} if it succeeded; a call cancelled because an earlier
	 * one failed in {@link Mode#FAIL_FAST} fails with a {@link java.util.concurrent.CancellationException}
	 */
	public record Item<T>(int index, @Nullable T value, @Nullable RuntimeException failure) {

		/**
		 * Whether the call returned a result.
		 * @return {@code true} if it did not fail
		 */
		public boolean succeeded() {
			return this.failure == null;
		}

	}

	/**
	 * How a batch reacts to a failed call.
	 */
	public enum Mode {

		/** Wait for every call and return every outcome. */
		ALL,

		/**
		 * Stop at the first failure: give up the calls still running (their queued jobs are dropped by the job
		 * server) and throw a {@link GearmanBatchException} with the outcomes so far.
		 */
		FAIL_FAST

	}

}
