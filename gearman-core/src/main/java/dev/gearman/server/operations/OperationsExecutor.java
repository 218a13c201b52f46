package dev.gearman.server.operations;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that runs operators' store calls (which may block on a database) and the retention, so that
 * neither the engine nor the network threads ever wait for them. Bounded: beyond {@value #MAX_WAITING} waiting
 * requests a new one fails at once with {@link OperationFailedException.Code#BUSY}, so a peer that floods the admin
 * port with queries costs only itself.
 */
final class OperationsExecutor implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(OperationsExecutor.class);

	static final int MAX_WAITING = 64;

	private final ScheduledThreadPoolExecutor executor;

	private final AtomicInteger waiting = new AtomicInteger();

	OperationsExecutor() {
		this.executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "gearman-operations");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Runs a store call on the thread.
	 * @return the call's result; fails with {@code BUSY} when too many calls wait, with {@code STORE_UNAVAILABLE}
	 * when the call throws anything but an {@link OperationFailedException}
	 */
	<T> CompletableFuture<T> submit(Supplier<T> call) {
		CompletableFuture<T> result = new CompletableFuture<>();
		if (this.waiting.incrementAndGet() > MAX_WAITING) {
			this.waiting.decrementAndGet();
			result.completeExceptionally(new OperationFailedException(OperationFailedException.Code.BUSY,
					"more than " + MAX_WAITING + " operator requests wait; try again later"));
			return result;
		}
		try {
			this.executor.execute(() -> {
				this.waiting.decrementAndGet();
				try {
					result.complete(call.get());
				}
				catch (OperationFailedException ex) {
					result.completeExceptionally(ex);
				}
				catch (RuntimeException ex) {
					// the calls are store calls: anything else they throw is the store's failure
					result.completeExceptionally(new OperationFailedException(
							OperationFailedException.Code.STORE_UNAVAILABLE, "the store failed: " + ex.getMessage(), ex));
				}
			});
		}
		catch (RejectedExecutionException ex) {
			this.waiting.decrementAndGet();
			result.completeExceptionally(new OperationFailedException(OperationFailedException.Code.BUSY,
					"the server is stopping"));
		}
		return result;
	}

	/** Runs a task now and then every period, on the thread; a failure is logged and the next run goes on. */
	void every(Duration period, String what, Runnable task) {
		this.executor.scheduleWithFixedDelay(() -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.warn("{} failed: {}", what, ex.getMessage());
				logger.debug("{} failed", what, ex);
			}
		}, 0, period.toMillis(), TimeUnit.MILLISECONDS);
	}

	/** Stops taking calls and runs those waiting, for at most five seconds; the retention stops at once. */
	@Override
	public void close() {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(5, TimeUnit.SECONDS)) {
				logger.warn("Operator requests still running after 5 s at shutdown: {} dropped",
						this.executor.shutdownNow().size());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
