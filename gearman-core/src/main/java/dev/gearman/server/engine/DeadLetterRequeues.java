package dev.gearman.server.engine;

import java.util.concurrent.CompletableFuture;

import dev.gearman.server.store.StoredDeadLetter;

/**
 * An operator's requeue of a dead letter: refused where a submission of the same job would be (a stopping server, a
 * full queue, too many functions), and where a live job already has the letter's unique id, which would otherwise
 * run twice; else the {@link JobRegistry} moves the letter back. Engine-thread only.
 */
final class DeadLetterRequeues {

	private final JobRegistry registry;

	private final FunctionTable functions;

	private final Drain drain;

	DeadLetterRequeues(JobRegistry registry, FunctionTable functions, Drain drain) {
		this.registry = registry;
		this.functions = functions;
		this.drain = drain;
	}

	void requeue(StoredDeadLetter letter, CompletableFuture<String> done) {
		if (this.drain.isDraining()) {
			refuse(done, "the server is shutting down");
			return;
		}
		if (!this.functions.isValidName(letter.function())) {
			refuse(done, "function name: " + letter.function().length() + " bytes (expected: at most "
					+ this.functions.maxNameLength() + ")");
			return;
		}
		JobFunction function = this.functions.function(letter.function());
		if (function == null) {
			refuse(done, "the server knows too many functions");
			return;
		}
		String unique = letter.unique().startsWith(StoreWrites.GENERATED_KEY_PREFIX) ? "" : letter.unique();
		if (this.registry.coalescable(function, unique, letter.data()) != null) {
			refuse(done, "unique id: " + unique + " (expected: one no live job of '" + letter.function() + "' has)");
			return;
		}
		if (function.isFull(Priority.of(letter.priority()))
				|| !this.registry.counts().hasRoomFor(function, letter.data().length)) {
			refuse(done, "the queue of '" + letter.function() + "' is full");
			return;
		}
		this.registry.restorer().restore(function, letter, done);
	}

	private static void refuse(CompletableFuture<String> done, String why) {
		done.completeExceptionally(new IllegalStateException(why));
	}

}
