package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.store.JobStore;
import org.jspecify.annotations.Nullable;

/**
 * The tables every engine collaborator shares: functions, jobs by handle, epoch jobs by due time, sessions and
 * the sessions with replies to flush. Engine-thread only.
 */
final class EngineState {

	final EngineLoop loop;

	final JobStore store;

	final String handlePrefix;

	final int retryLimit;

	final int workerWakeup;

	final boolean exceptionsByDefault;

	final String version;

	final EngineListener listener;

	/** Jobs assigned to workers, over all functions. */
	int running;

	/** Set when the server drains for shutdown: no job is handed to a worker any more. */
	boolean draining;

	/** Completed once draining and no job runs any more. */
	@Nullable CompletableFuture<Void> drained;

	private final int[] defaultMaxQueue;

	final Map<String, FunctionQueue> functions = new HashMap<>();

	final Map<String, Job> jobs = new HashMap<>();

	final PriorityQueue<Job> scheduled = new PriorityQueue<>(
			Comparator.comparingLong((Job job) -> job.whenToRun).thenComparingLong((job) -> job.sequence));

	final LinkedHashSet<Session> sessions = new LinkedHashSet<>();

	private final List<Session> dirty = new ArrayList<>();

	private long nextHandle = 1;

	private long nextSequence = 1;

	EngineState(EngineLoop loop, JobStore store, GearmanServerSettings settings, EngineListener listener) {
		this.listener = listener;
		this.loop = loop;
		this.store = store;
		this.handlePrefix = settings.getHandlePrefix() + ":";
		this.retryLimit = settings.getRetryLimit();
		this.workerWakeup = settings.getWorkerWakeup();
		this.exceptionsByDefault = settings.isExceptions();
		this.version = settings.getVersion();
		int max = settings.getDefaultMaxQueue();
		this.defaultMaxQueue = new int[] { max, max, max };
	}

	FunctionQueue function(String name) {
		FunctionQueue function = this.functions.get(name);
		if (function == null) {
			function = new FunctionQueue(name, this.defaultMaxQueue);
			this.functions.put(name, function);
		}
		return function;
	}

	@Nullable FunctionQueue existingFunction(String name) {
		return this.functions.get(name);
	}

	@Nullable Job job(String handle) {
		Job job = this.jobs.get(handle);
		if (job == null && !handle.isEmpty() && handle.charAt(handle.length() - 1) == 0) {
			// some servers and clients pass the handle with its trailing NUL; accept both forms
			job = this.jobs.get(handle.substring(0, handle.length() - 1));
		}
		return job;
	}

	String newHandle() {
		return this.handlePrefix + this.nextHandle++;
	}

	long newSequence() {
		return this.nextSequence++;
	}

	void advanceSequence(long seen) {
		this.nextSequence = Math.max(this.nextSequence, seen + 1);
	}

	/**
	 * Removes a finished, failed, cancelled or dropped job from every table and releases its unique id. A job that
	 * is still stored is deleted from the store.
	 */
	void release(Job job) {
		job.state = JobState.DONE;
		this.jobs.remove(job.handle);
		job.function.releaseUnique(job);
		for (Session client : job.clients) {
			client.attached.remove(job);
		}
		job.clients.clear();
		if (job.persisted) {
			job.persisted = false;
			this.store.remove(job.function.name, job.storeKey, job.sequence);
		}
		// a JOB_ASSIGN still being written holds its own reference
		job.releaseData();
	}

	/** Sends a packet to every client attached to a job; takes over the caller's reference to the packet. */
	void forward(Job job, Packet packet) {
		for (int i = 0; i < job.clients.size(); i++) {
			send(job.clients.get(i), packet.retain());
		}
		packet.release();
	}

	/** Queues a message for a session; takes over the caller's reference to a reference-counted message. */
	void send(Session session, Object message) {
		if (session.send(message)) {
			this.dirty.add(session);
		}
	}

	/** Drops the data buffers of every job still held, when the engine stops. */
	void releaseAllData() {
		for (Job job : this.jobs.values()) {
			job.releaseData();
		}
	}

	void reply(Session session, PacketType type, String... args) {
		send(session, Packet.response(type, args));
	}

	void fill(Session.Reply reply, Object message) {
		if (reply.fill(message)) {
			this.dirty.add(reply.session);
		}
	}

	void flush() {
		for (int i = 0; i < this.dirty.size(); i++) {
			this.dirty.get(i).flush();
		}
		this.dirty.clear();
	}

}
