package dev.gearman.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;

import dev.gearman.protocol.GearmanConstants;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.store.StoredJob;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SUBMIT_* family: unique-id coalescing, queue limits, the store hand-off for background jobs and JOB_CREATED.
 * Engine-thread only.
 */
final class Submissions {

	private static final Logger logger = LoggerFactory.getLogger(Submissions.class);

	/** Prefix of the store keys generated for background jobs submitted without a unique id. */
	static final String GENERATED_KEY_PREFIX = "~gearman-";

	private static final byte[] NO_DATA = new byte[0];

	private final EngineState state;

	private final JobDispatcher dispatcher;

	Submissions(EngineState state, JobDispatcher dispatcher) {
		this.state = state;
		this.dispatcher = dispatcher;
	}

	void submit(Session client, Packet packet) {
		PacketType type = packet.type();
		Priority priority = switch (type) {
			case SUBMIT_JOB_HIGH, SUBMIT_JOB_HIGH_BG -> Priority.HIGH;
			case SUBMIT_JOB_LOW, SUBMIT_JOB_LOW_BG -> Priority.LOW;
			default -> Priority.NORMAL;
		};
		boolean background = switch (type) {
			case SUBMIT_JOB_BG, SUBMIT_JOB_HIGH_BG, SUBMIT_JOB_LOW_BG, SUBMIT_JOB_EPOCH,
					SUBMIT_REDUCE_JOB_BACKGROUND -> true;
			default -> false;
		};
		long whenToRun = 0;
		String reducer = null;
		if (type == PacketType.SUBMIT_JOB_EPOCH) {
			Long when = parseEpoch(packet.arg(2));
			if (when == null) {
				this.state.send(client, Packet.error("INVALID_ARGUMENT", "Epoch time is not a decimal number"));
				return;
			}
			whenToRun = when;
		}
		else if (type == PacketType.SUBMIT_REDUCE_JOB || type == PacketType.SUBMIT_REDUCE_JOB_BACKGROUND) {
			reducer = packet.arg(2);
		}
		if (this.state.draining && !(background && this.state.store.isDurable())) {
			// the job would never run: nothing is dispatched while draining and memory does not survive the stop
			this.state.send(client, Packet.error("SHUTTING_DOWN", "Server is shutting down"));
			return;
		}
		String unique = packet.arg(1);
		if (unique.length() > GearmanConstants.MAX_UNIQUE_SIZE
				|| (reducer != null && reducer.length() > GearmanConstants.MAX_UNIQUE_SIZE)) {
			this.state.send(client, Packet.error("ARGUMENT_TOO_LARGE", "Unique value too large"));
			return;
		}
		FunctionQueue function = this.state.function(packet.arg(0));
		// a large payload stays in its buffer, unless it must be an array: for the store, or as a coalescing key
		boolean keepBuffer = packet.dataBuffer() != null && !(background && this.state.store.isDurable())
				&& !DataKey.UNIQUE_BY_DATA.equals(unique);
		byte[] data = keepBuffer ? NO_DATA : packet.data();
		Job existing = function.findCoalescable(unique, data);
		if (existing != null) {
			coalesce(client, existing, background);
			return;
		}
		if (function.isFull(priority)) {
			this.state.send(client, Packet.error("QUEUE_ERROR", "Job queue is full"));
			return;
		}
		Job job = new Job(this.state.newSequence(), this.state.newHandle(), function, unique, data, priority,
				background, whenToRun, reducer);
		if (keepBuffer) {
			// the engine releases the packet when this command is done; the job keeps the data until it ends
			job.dataBuffer = packet.dataBuffer().retain();
		}
		create(job, background ? null : client);
		if (background && this.state.store.isDurable()) {
			store(job, client.reserve());
			return;
		}
		this.state.listener.jobSubmitted(function.name, priority, background);
		this.dispatcher.accept(job);
		this.state.reply(client, PacketType.JOB_CREATED, job.handle);
	}

	/** Enters a new job in the tables; a foreground client is attached. */
	void create(Job job, @Nullable Session client) {
		this.state.jobs.put(job.handle, job);
		job.function.reserveUnique(job);
		if (client != null) {
			attach(client, job);
		}
	}

	private void coalesce(Session client, Job existing, boolean background) {
		if (!background) {
			attach(client, existing);
			// someone waits for the job again: it must not be dropped if its worker lets it go
			existing.abandoned = false;
		}
		if (existing.state == JobState.STORING && existing.pendingCreated != null) {
			existing.pendingCreated.add(client.reserve());
		}
		else {
			this.state.reply(client, PacketType.JOB_CREATED, existing.handle);
		}
	}

	private static void attach(Session client, Job job) {
		if (client.attached.add(job)) {
			job.addClient(client);
		}
	}

	private void store(Job job, Session.Reply reply) {
		List<Session.Reply> replies = new ArrayList<>(1);
		replies.add(reply);
		job.pendingCreated = replies;
		job.function.storing++;
		if (job.unique.isEmpty() || DataKey.UNIQUE_BY_DATA.equals(job.unique)) {
			job.storeKey = GENERATED_KEY_PREFIX + UUID.randomUUID();
		}
		StoredJob stored = new StoredJob(job.function.name, job.storeKey, job.priority.ordinal(), job.data,
				job.whenToRun, job.sequence);
		this.state.store.add(stored, (failure) -> {
			try {
				this.state.loop.execute(() -> stored(job, failure));
			}
			catch (RejectedExecutionException ex) {
				// the engine stopped before the store answered: the row, if committed, is replayed after a restart
				logger.debug("Store answered for job {} after the engine stopped", job.handle);
			}
		});
	}

	private void stored(Job job, @Nullable Throwable failure) {
		job.function.storing--;
		List<Session.Reply> replies = job.pendingCreated;
		job.pendingCreated = null;
		if (failure != null) {
			logger.debug("Storing job {} of function '{}' failed", job.handle, job.function.name, failure);
			fillAll(replies, Packet.error("QUEUE_ERROR", "QUEUE_ERROR"));
			this.state.release(job);
			return;
		}
		job.persisted = true;
		this.state.listener.jobSubmitted(job.function.name, job.priority, true);
		fillAll(replies, Packet.response(PacketType.JOB_CREATED, job.handle));
		if (job.abandoned) {
			this.state.release(job);
		}
		else {
			this.dispatcher.accept(job);
		}
	}

	private void fillAll(@Nullable List<Session.Reply> replies, Packet packet) {
		if (replies != null) {
			for (Session.Reply reply : replies) {
				this.state.fill(reply, packet);
			}
		}
	}

	/**
	 * Re-creates a job read from the store at startup, under a new handle.
	 */
	void replay(StoredJob stored) {
		FunctionQueue function = this.state.function(stored.function());
		boolean generated = stored.unique().startsWith(GENERATED_KEY_PREFIX);
		String unique = generated ? "" : stored.unique();
		if (function.findCoalescable(unique, stored.data()) != null) {
			logger.warn("Skipping stored job '{}' of function '{}': its unique id is already in use",
					stored.unique(), stored.function());
			return;
		}
		this.state.advanceSequence(stored.sequence());
		Job job = new Job(stored.sequence(), this.state.newHandle(), function, unique, stored.data(),
				Priority.of(stored.priority()), true, stored.whenToRun(), null);
		job.storeKey = stored.unique();
		job.persisted = true;
		create(job, null);
		this.dispatcher.accept(job);
	}

	private static @Nullable Long parseEpoch(String text) {
		if (text.isEmpty() || text.length() > 19) {
			return null;
		}
		for (int i = 0; i < text.length(); i++) {
			if (text.charAt(i) < '0' || text.charAt(i) > '9') {
				return null;
			}
		}
		try {
			long seconds = Long.parseLong(text);
			// the due time is kept in milliseconds (Job.dueMillis): larger values would overflow to "now"
			return (seconds > Long.MAX_VALUE / 1000) ? null : seconds;
		}
		catch (NumberFormatException ex) {
			// 19 digits above Long.MAX_VALUE
			return null;
		}
	}

}
