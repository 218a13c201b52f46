package dev.gearman.server.engine;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.OwnedElsewhereException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a submitted job gets in and its submitters get their answer. Acknowledged means stored: with a durable
 * store, a background job's JOB_CREATED waits for the store's commit. That holds for a new job and for a foreground
 * job that a background submission joins; the job keeps its place in its queue meanwhile, so arrival order within a
 * priority is kept whether or not a job is stored. The store's answer comes back here: the submissions that waited
 * hear JOB_CREATED (the job's handle, or another server's that stored it first) or QUEUE_ERROR, and the job moves
 * on, stays the foreground job it was, or ends.
 * <p>
 * Owns no state of its own: the pending inserts and their replies are {@link StoreWrites}'s, the jobs table
 * {@link JobRegistry}'s, through whose checked move every state change goes. Engine-thread only.
 */
final class Admissions {

	private static final Logger logger = LoggerFactory.getLogger(Admissions.class);

	private final JobRegistry registry;

	private final BiConsumer<Job, JobState> move;

	private final StoreWrites rows;

	private final WaitingJobs waiting;

	private final Outbox outbox;

	private final EngineListener listener;

	/** @param move the registry's checked move */
	Admissions(JobRegistry registry, BiConsumer<Job, JobState> move, StoreWrites rows, WaitingJobs waiting,
			Outbox outbox, EngineListener listener) {
		this.registry = registry;
		this.move = move;
		this.rows = rows;
		this.waiting = waiting;
		this.outbox = outbox;
		this.listener = listener;
	}

	/**
	 * Makes a new job runnable and answers its submitter: a background job for a durable store is stored first (it
	 * holds its place in its queue meanwhile) and JOB_CREATED follows the commit; any other job is queued or
	 * scheduled and answered at once.
	 */
	void admit(Job job, Session submitter) {
		if (job.background && this.rows.isDurable()) {
			this.waiting.holdPlaceWhileStoring(job);
			this.rows.insert(job, submitter.reserve());
			return;
		}
		this.listener.jobSubmitted(job.function.name, job.priority, job.background);
		this.waiting.place(job);
		this.registry.history().record(job, JobEvent.Type.SUBMITTED);
		this.outbox.reply(submitter, PacketType.JOB_CREATED, job.handle);
	}

	/**
	 * A submission joins a live job with its unique id. A foreground client attaches to it; a background submission
	 * turns a foreground job into a background one, stored (with a durable store) before its JOB_CREATED. Either
	 * way an abandoned job has someone waiting for it again.
	 */
	void join(Job job, Session client, boolean background) {
		if (!background) {
			this.registry.attach(client, job);
		}
		else if (!job.background) {
			job.background = true;
			if (this.rows.isDurable() && job.persistence == Job.Persistence.NONE) {
				if (job.state == JobState.ABANDONED) {
					this.move.accept(job, JobState.RUNNING);
				}
				this.rows.insert(job, client.reserve());
				return;
			}
		}
		if (job.state == JobState.ABANDONED) {
			this.move.accept(job, JobState.RUNNING);
		}
		if (job.persistence == Job.Persistence.PENDING) {
			job.pendingReplies.add(client.reserve());
		}
		else {
			this.outbox.reply(client, PacketType.JOB_CREATED, job.handle);
		}
	}

	/** The store answered an insert: the submitters hear of it, and the job moves on or is dropped. */
	void answered(Job job, @Nullable Throwable failure) {
		List<Session.Reply> replies = this.rows.answered(job);
		CompletableFuture<String> restored = this.rows.restoreAnswered(job);
		if (restored != null) {
			answerRestore(job, failure, restored);
		}
		if (failure instanceof OwnedElsewhereException elsewhere) {
			storedElsewhere(job, elsewhere, replies);
			return;
		}
		if (failure != null) {
			logger.debug("Storing job {} of function '{}' failed", job.handle, job.function.name, failure);
			fillAll(replies, () -> Packet.error("QUEUE_ERROR", "QUEUE_ERROR"));
			if (job.state == JobState.STORING) {
				this.registry.end(job, EndReason.DROPPED);
			}
			else if (job.state != JobState.DONE) {
				keepAsForeground(job);
			}
			return;
		}
		if (this.rows.isDurable()) {
			this.rows.stored(job);
		}
		else {
			// a dead letter requeued from memory with a store that keeps nothing
			job.persistence = Job.Persistence.NONE;
		}
		fillAll(replies, () -> Packet.response(PacketType.JOB_CREATED, job.handle));
		if (job.state == JobState.DONE || !job.background) {
			// it ended, or was cancelled, while its row was written: the row must not outlive it
			this.rows.delete(job);
		}
		else if (job.state == JobState.STORING) {
			this.listener.jobSubmitted(job.function.name, job.priority, true);
			this.waiting.place(job);
			this.registry.history().record(job,
					(restored != null) ? JobEvent.Type.REQUEUED : JobEvent.Type.SUBMITTED);
		}
	}

	/** Stored, but another server owns the row and runs the job: its handle is the one the client gets. */
	private void storedElsewhere(Job job, OwnedElsewhereException elsewhere, @Nullable List<Session.Reply> replies) {
		String handle = (elsewhere.handle() != null) ? elsewhere.handle() : job.handle;
		logger.debug("Job {} of function '{}' is stored by another server as {}", job.handle, job.function.name,
				handle);
		if (replies != null) {
			for (Session.Reply reply : replies) {
				// a foreground client that joined meanwhile keeps the job here, and its handle
				this.outbox.fill(reply, Packet.response(PacketType.JOB_CREATED,
						job.clients.contains(reply.session) ? job.handle : handle));
			}
		}
		if (job.state == JobState.STORING && job.clients.isEmpty()) {
			this.registry.end(job, EndReason.HANDED_OVER);
		}
		else if (job.state == JobState.STORING) {
			job.background = false;
			this.waiting.place(job);
		}
		else if (job.state != JobState.DONE) {
			keepAsForeground(job);
		}
	}

	/** Tells who requeued a dead letter how it went; the job itself moves on as any stored job does. */
	private static void answerRestore(Job job, @Nullable Throwable failure, CompletableFuture<String> restored) {
		if (failure != null) {
			restored.completeExceptionally(failure);
		}
		else {
			logger.debug("Dead letter of job '{}' of function '{}' requeued as {}", job.storeKey, job.function.name,
					job.handle);
			restored.complete(job.handle);
		}
	}

	/** A foreground job that a background submission joined stays the foreground job it was: its row is not ours. */
	private void keepAsForeground(Job job) {
		job.background = false;
		if (job.clients.isEmpty()) {
			this.registry.abandon(job);
		}
	}

	private void fillAll(@Nullable List<Session.Reply> replies, Supplier<Packet> packet) {
		if (replies != null) {
			for (Session.Reply reply : replies) {
				this.outbox.fill(reply, packet.get());
			}
		}
	}

}
