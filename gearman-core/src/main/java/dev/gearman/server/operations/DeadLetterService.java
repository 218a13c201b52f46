package dev.gearman.server.operations;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.gearman.server.engine.JobEngine;
import dev.gearman.server.retry.DeadLetterSettings;
import dev.gearman.server.store.DeadLetterStore;
import dev.gearman.server.store.StoredDeadLetter;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letters as operators see them, whatever the transport (admin text commands, HTTP, the template): list,
 * look at one, requeue one or all of a function, delete, purge. Store calls run on the operations thread; a requeue
 * goes through the engine, which refuses it where it would run a job twice. Each requeue and purge is logged at
 * INFO, one line per request. Thread-safe.
 */
public final class DeadLetterService {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterService.class);

	/** The most letters one listing returns. */
	public static final int MAX_PAGE = 1000;

	/** Letters a requeue of a whole function moves per turn on the operations thread. */
	private static final int REQUEUE_CHUNK = 100;

	private final JobEngine engine;

	private final DeadLetterStore store;

	private final OperationsExecutor executor;

	private final DeadLetterSettings retention;

	DeadLetterService(JobEngine engine, OperationsExecutor executor, DeadLetterSettings retention) {
		this.engine = engine;
		this.store = engine.deadLetters();
		this.executor = executor;
		this.retention = retention;
	}

	/**
	 * Lists letters without their payloads, oldest first.
	 * @param function only this function's letters; {@code null} for all
	 * @param afterId only letters with a larger id: 0 for the first page, then the last id seen
	 * @param limit the most letters returned, at most {@value #MAX_PAGE}
	 * @return the page
	 */
	public CompletableFuture<List<StoredDeadLetter>> list(@Nullable String function, long afterId, int limit) {
		int size = Math.max(1, Math.min(limit, MAX_PAGE));
		return this.executor.submit(() -> this.store.list(function, afterId, size));
	}

	/**
	 * One letter with its payload.
	 * @param id the id
	 * @return the letter; fails with {@code NO_SUCH_DEAD_LETTER}
	 */
	public CompletableFuture<StoredDeadLetter> get(long id) {
		return this.executor.submit(() -> existing(id));
	}

	/**
	 * Moves a letter back into its queue as a new job with a fresh attempt count, its unique id, payload and
	 * priority.
	 * @param id the letter's id
	 * @return the new job's handle; fails with {@code NO_SUCH_DEAD_LETTER} or {@code REQUEUE_REFUSED}
	 */
	public CompletableFuture<String> requeue(long id) {
		return this.executor.submit(() -> existing(id)).thenCompose((letter) -> requeue(letter).thenApply((handle) -> {
			logger.info("Dead letter {} of function '{}' requeued as job {}", id, letter.function(), handle);
			return handle;
		}));
	}

	/**
	 * Moves every letter of a function back into its queue, oldest first, a chunk at a time so that other requests
	 * are served in between. Letters that cannot be requeued (a live job has their unique id, the queue is full)
	 * stay.
	 * @param function the function
	 * @return how many were requeued and how many stayed
	 */
	public CompletableFuture<RequeueSummary> requeueAll(String function) {
		CompletableFuture<RequeueSummary> done = new CompletableFuture<>();
		requeueFrom(function, 0, new RequeueSummary(0, 0), done);
		return done.thenApply((summary) -> {
			logger.info("Dead letters of function '{}' requeued: {} jobs queued again, {} letters stayed", function,
					summary.requeued(), summary.stayed());
			return summary;
		});
	}

	private void requeueFrom(String function, long afterId, RequeueSummary sofar,
			CompletableFuture<RequeueSummary> done) {
		this.executor.submit(() -> {
			List<StoredDeadLetter> page = this.store.list(function, afterId, REQUEUE_CHUNK);
			int requeued = 0;
			int stayed = 0;
			for (StoredDeadLetter summary : page) {
				StoredDeadLetter letter = this.store.get(summary.id());
				if (letter == null) {
					continue;
				}
				try {
					requeue(letter).join();
					requeued++;
				}
				catch (CompletionException ex) {
					logger.debug("Dead letter {} stays: {}", letter.id(), ex.getCause().getMessage());
					stayed++;
				}
			}
			RequeueSummary next = new RequeueSummary(sofar.requeued() + requeued, sofar.stayed() + stayed);
			if (page.size() < REQUEUE_CHUNK) {
				done.complete(next);
			}
			else {
				requeueFrom(function, page.get(page.size() - 1).id(), next, done);
			}
			return null;
		}).exceptionally((failure) -> {
			done.completeExceptionally(failure);
			return null;
		});
	}

	/**
	 * Deletes one letter.
	 * @param id the id
	 * @return completes when deleted; fails with {@code NO_SUCH_DEAD_LETTER}
	 */
	public CompletableFuture<Void> delete(long id) {
		return this.executor.submit(() -> {
			if (!this.store.delete(id)) {
				throw noSuchLetter(id);
			}
			logger.info("Dead letter {} deleted", id);
			return null;
		});
	}

	/**
	 * Deletes letters: all, a function's, those older than an age, or a function's older than an age.
	 * @param function only this function's letters; {@code null} for all
	 * @param olderThan only letters whose job died longer ago than this; {@code null} for any age
	 * @return how many were deleted
	 */
	public CompletableFuture<Integer> purge(@Nullable String function, @Nullable Duration olderThan) {
		long before = (olderThan != null) ? System.currentTimeMillis() - olderThan.toMillis() : Long.MAX_VALUE;
		return this.executor.submit(() -> {
			int purged = this.store.purge(function, before);
			logger.info("{} dead letters purged ({}{})", purged,
					(function != null) ? "function '" + function + "'" : "all functions",
					(olderThan != null) ? ", older than " + olderThan : "");
			return purged;
		});
	}

	/**
	 * How many letters each function has.
	 * @return counts by function
	 */
	public CompletableFuture<Map<String, Long>> counts() {
		return this.executor.submit(this.store::countByFunction);
	}

	/** Deletes what the retention no longer keeps; the operations thread runs it once a minute. */
	void prune() {
		int pruned = this.store.prune(this.retention.getMaxCount(),
				System.currentTimeMillis() - this.retention.getMaxAge().toMillis());
		if (pruned > 0) {
			logger.info("{} dead letters beyond the retention ({} letters, {}) deleted", pruned,
					this.retention.getMaxCount(), this.retention.getMaxAge());
		}
	}

	private StoredDeadLetter existing(long id) {
		StoredDeadLetter letter = this.store.get(id);
		if (letter == null) {
			throw noSuchLetter(id);
		}
		return letter;
	}

	private CompletableFuture<String> requeue(StoredDeadLetter letter) {
		return this.engine.requeue(letter).exceptionallyCompose((failure) -> CompletableFuture.failedFuture(
				new OperationFailedException(OperationFailedException.Code.REQUEUE_REFUSED,
						"dead letter " + letter.id() + " not requeued: " + cause(failure).getMessage(), failure)));
	}

	private static Throwable cause(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	private static OperationFailedException noSuchLetter(long id) {
		return new OperationFailedException(OperationFailedException.Code.NO_SUCH_DEAD_LETTER,
				"dead letter: " + id + " (expected: the id of a kept letter)");
	}

	/**
	 * The outcome of requeueing a function's letters.
	 *
	 * @param requeued letters queued again as jobs
	 * @param stayed letters that could not be (a live job has their unique id, or the queue is full)
	 */
	public record RequeueSummary(int requeued, int stayed) {
	}

}
