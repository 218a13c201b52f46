package dev.gearman.spring.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * Helpers for the futures the template hands out: each is derived from the client's future, and cancelling it must
 * reach the client, which gives the job up (a queued foreground job is then dropped by its server).
 */
final class Futures {

	private Futures() {
	}

	/**
	 * A future that completes as {@code source} does, after {@code action} ran; cancelling it cancels the source.
	 * @param source the source
	 * @param action runs with the value (or {@code null}) and the failure (or {@code null})
	 * @return the derived future
	 */
	static <T> CompletableFuture<T> whenDone(CompletableFuture<T> source,
			BiConsumer<? super @Nullable T, @Nullable Throwable> action) {
		return cancelling(source.whenComplete(action), source);
	}

	/**
	 * Makes cancelling {@code derived} cancel {@code source} too.
	 * @param derived what callers get
	 * @param source what it was derived from
	 * @return {@code derived}
	 */
	static <T> CompletableFuture<T> cancelling(CompletableFuture<T> derived, CompletableFuture<?> source) {
		derived.whenComplete((value, failure) -> {
			if (derived.isCancelled()) {
				source.cancel(true);
			}
		});
		return derived;
	}


	/**
	 * Waits for a future and throws its failure unwrapped. An interrupted caller gives the job up (the future is
	 * cancelled), so that it does not run later for nobody.
	 * @param future the future
	 * @return its value
	 */
	static <T> T await(CompletableFuture<T> future) {
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new CancellationException("interrupted while waiting for a Gearman job");
		}
		catch (ExecutionException | CompletionException ex) {
			Throwable cause = ex.getCause();
			while (cause instanceof CompletionException && cause.getCause() != null) {
				cause = cause.getCause();
			}
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause);
		}
	}

}
