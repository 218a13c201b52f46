package dev.gearman.server.store;

import org.jspecify.annotations.Nullable;

/**
 * The answer to an insert into a store shared by several servers when the job is stored, but another server owns
 * it: a job with the same function and unique id was stored by another server (the submission joins it, as
 * coalescing does within one server), or this server lost its ownership while the insert committed. The client
 * gets JOB_CREATED with {@link #handle()}, which stays valid where the job runs; this server forgets its copy.
 */
public final class OwnedElsewhereException extends Exception {

	private static final long serialVersionUID = 1L;

	private final @Nullable String handle;

	/**
	 * Creates the answer.
	 * @param message why the job belongs to another server
	 * @param handle the handle of the stored job, or {@code null} if its row has none (a row stored by an older
	 * version), in which case the client gets the handle of its own submission
	 */
	public OwnedElsewhereException(String message, @Nullable String handle) {
		// an answer, not a failure: no stack trace
		super(message, null, false, false);
		this.handle = handle;
	}

	/**
	 * The handle of the stored job.
	 * @return the handle, or {@code null} if its row has none
	 */
	public @Nullable String handle() {
		return this.handle;
	}

}
