package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * One job and everything the engine tracks about it. Engine-thread only. The {@code prev}/{@code next} links
 * make it a node of its function's {@link JobList}, so a job leaves a queue in O(1) when it is cancelled or
 * abandoned.
 */
final class Job {

	final long sequence;

	final String handle;

	final FunctionQueue function;

	final String unique;

	/**
	 * The unique id the store keys the job by. Stores key rows by (function, unique), so a background job without
	 * a usable unique id ({@code ""} or the coalesce-by-payload {@code "-"}) is stored under a generated one.
	 */
	String storeKey;

	/** The data blob as an array; empty when it is held in {@link #dataBuffer}. */
	final byte[] data;

	/**
	 * The data blob when it arrived large and stays off the heap, so it reaches the worker without a copy. The job
	 * owns one reference, dropped by {@link #releaseData()} when the job leaves the engine.
	 */
	@Nullable ByteBuf dataBuffer;

	final Priority priority;

	final boolean background;

	/** Seconds since the epoch before which the job must not run; 0 = now. */
	final long whenToRun;

	final @Nullable String reducer;

	JobState state = JobState.STORING;

	@Nullable Session worker;

	EngineLoop.@Nullable Timeout timeout;

	int retries;

	String numerator = "0";

	String denominator = "0";

	/** Shared by every job nobody waits for, so a queued background job costs no list of its own. */
	private static final List<Session> NO_CLIENTS = Collections.emptyList();

	/** Foreground clients waiting for the job's WORK_* packets; read-only until {@link #addClient}. */
	List<Session> clients = NO_CLIENTS;

	/** Sessions that submitted or coalesced onto the job while it was being stored, waiting for JOB_CREATED. */
	@Nullable List<Session.Reply> pendingCreated;

	/** A foreground job whose clients all left while it ran, or a cancelled running job: results are dropped. */
	boolean abandoned;

	boolean persisted;

	long enqueuedNanos;

	long startedNanos;

	@Nullable Job prev;

	@Nullable Job next;

	Job(long sequence, String handle, FunctionQueue function, String unique, byte[] data, Priority priority,
			boolean background, long whenToRun, @Nullable String reducer) {
		this.sequence = sequence;
		this.handle = handle;
		this.function = function;
		this.unique = unique;
		this.storeKey = unique;
		this.data = data;
		this.priority = priority;
		this.background = background;
		this.whenToRun = whenToRun;
		this.reducer = reducer;
	}

	void addClient(Session client) {
		if (this.clients == NO_CLIENTS) {
			this.clients = new ArrayList<>(1);
		}
		this.clients.add(client);
	}

	/** Drops the job's reference to its data buffer, if it has one; safe to call more than once. */
	void releaseData() {
		ByteBuf buffer = this.dataBuffer;
		if (buffer != null) {
			this.dataBuffer = null;
			buffer.release();
		}
	}

	long dueMillis() {
		return this.whenToRun * 1000;
	}

	@Override
	public String toString() {
		return this.handle + "(" + this.function.name + ", " + this.state + ")";
	}

}
