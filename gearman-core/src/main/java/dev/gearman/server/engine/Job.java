package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * One job and everything the engine tracks about it. Engine-thread only. Its state and the tables it is in are
 * changed by {@link JobRegistry} and its parts alone; other classes read it. The {@code prev}/{@code next} links make it a node of
 * its function's {@link JobList}, so a job leaves a queue in O(1) when it is cancelled or abandoned.
 */
final class Job {

	final long sequence;

	final String handle;

	final JobFunction function;

	final String unique;

	/**
	 * The unique id the store keys the job by. Stores key rows by (function, unique), so a background job without
	 * a usable unique id ({@code ""} or the coalesce-by-payload {@code "-"}) is stored under a generated one.
	 */
	String storeKey;

	/** The payload as an array; empty when it is held in {@link #payloadBuffer}. */
	final byte[] data;

	/**
	 * The payload when it arrived large and stays off the heap, so it reaches the worker without a copy. The job
	 * owns one reference, dropped by {@link #freePayload()} when the job ends.
	 */
	@Nullable ByteBuf payloadBuffer;

	/** Bytes of payload the job holds, array or buffer; counted against the queued-bytes limits. */
	int payloadSize;

	final Priority priority;

	/** Whether nobody waits for the result; a foreground job becomes one when a background submission joins it. */
	boolean background;

	/** Seconds since the epoch before which the job must not run; 0 = now. */
	final long whenToRun;

	/** Epoch milliseconds when the job is due: its epoch time, or its next attempt's after a failure. */
	long dueMillis;

	final @Nullable String reducer;

	JobState state = JobState.NEW;

	/** Whether the store holds the job's row, or is about to. */
	Persistence persistence = Persistence.NONE;

	@Nullable Session worker;

	EngineLoop.@Nullable Timeout timeout;

	/** Attempts that went wrong: failed, or let go by their worker. */
	int attempts;

	/** Why the last attempt went wrong; {@code null} while none did. */
	@Nullable String lastError;

	/** Epoch milliseconds when the first attempt started, and when the last one went wrong; 0 until then. */
	long firstAttemptMillis;

	long lastFailureMillis;

	/** The client id of the worker of the last attempt that went wrong. */
	@Nullable String lastWorker;

	String numerator = "0";

	String denominator = "0";

	/** Shared by every job nobody waits for, so a queued background job costs no list of its own. */
	private static final List<Session> NO_CLIENTS = Collections.emptyList();

	/** Foreground clients waiting for the job's WORK_* packets; read-only until {@link #addClient}. */
	List<Session> clients = NO_CLIENTS;

	/** Replies (JOB_CREATED or an error) owed to sessions that submitted the job while the store writes it. */
	@Nullable List<Session.Reply> pendingReplies;

	long enqueuedNanos;

	long startedNanos;

	/** Other live jobs with the same unique id under other functions; kept by {@link UniqueIds}. */
	@Nullable Job prevSameUnique;

	@Nullable Job nextSameUnique;

	/** The queue the job is in, if any. */
	@Nullable JobList list;

	@Nullable Job prev;

	@Nullable Job next;

	Job(long sequence, String handle, JobFunction function, String unique, byte[] data, Priority priority,
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
		this.dueMillis = whenToRun * 1000;
		this.reducer = reducer;
	}

	void addClient(Session client) {
		if (this.clients == NO_CLIENTS) {
			this.clients = new ArrayList<>(1);
		}
		this.clients.add(client);
	}

	/** The payload as an array, copied out of its buffer if need be (to store it). */
	byte[] payloadBytes() {
		ByteBuf buffer = this.payloadBuffer;
		return (buffer != null) ? ByteBufUtil.getBytes(buffer) : this.data;
	}

	/** Drops the job's reference to its payload buffer, if it has one; safe to call more than once. */
	void freePayload() {
		ByteBuf buffer = this.payloadBuffer;
		if (buffer != null) {
			this.payloadBuffer = null;
			buffer.release();
		}
	}

	@Override
	public String toString() {
		return this.handle + "(" + this.function.name + ", " + this.state + ")";
	}

	/**
	 * Whether a job has a row in the store. Apart from {@link JobState}: a job may be queued or running whether its
	 * row is written, being written or absent (a foreground job a background submission joined is stored while it
	 * runs).
	 */
	enum Persistence {

		/** No row: a foreground job, or any job with a store that is not durable. */
		NONE,

		/** The store writes the row; the sessions in {@link Job#pendingReplies} wait for the outcome. */
		PENDING,

		/** The row is committed; it is deleted when the job ends. */
		STORED

	}

}
