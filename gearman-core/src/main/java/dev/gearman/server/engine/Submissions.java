package dev.gearman.server.engine;

import dev.gearman.protocol.GearmanConstants;
import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * The SUBMIT_* family: reads the request, refuses what must be refused (bad arguments, a full queue, a stopping
 * server), and has the {@link JobRegistry} either join an existing job with the same unique id or create a new
 * one. Engine-thread only.
 */
final class Submissions {

	private static final byte[] NO_DATA = new byte[0];

	private final JobRegistry registry;

	private final FunctionTable functions;

	private final Drain drain;

	private final Outbox outbox;

	private final AccessGate gate;

	Submissions(JobRegistry registry, FunctionTable functions, Drain drain, Outbox outbox, AccessGate gate) {
		this.registry = registry;
		this.gate = gate;
		this.functions = functions;
		this.drain = drain;
		this.outbox = outbox;
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
				this.outbox.send(client, Packet.error("INVALID_ARGUMENT", "Epoch time is not a decimal number"));
				return;
			}
			whenToRun = when;
		}
		else if (type == PacketType.SUBMIT_REDUCE_JOB || type == PacketType.SUBMIT_REDUCE_JOB_BACKGROUND) {
			reducer = packet.arg(2);
		}
		if (this.drain.isDraining() && !(background && this.registry.isDurable())) {
			// the job would never run: nothing is dispatched while draining and memory does not survive the stop
			this.outbox.send(client, Packet.error("SHUTTING_DOWN", "Server is shutting down"));
			return;
		}
		String unique = packet.arg(1);
		if (unique.length() > GearmanConstants.MAX_UNIQUE_SIZE
				|| (reducer != null && reducer.length() > GearmanConstants.MAX_UNIQUE_SIZE)) {
			this.outbox.send(client, Packet.error("ARGUMENT_TOO_LARGE", "Unique value too large"));
			return;
		}
		String name = packet.arg(0);
		if (!this.functions.isValidName(name)) {
			this.outbox.send(client, Packet.error("ARGUMENT_TOO_LARGE", "Function name too long (expected: at most "
					+ this.functions.maxNameLength() + " bytes)"));
			return;
		}
		if (!this.gate.maySubmit(client, name)) {
			return;
		}
		JobFunction function = this.functions.function(name);
		if (function == null) {
			this.outbox.send(client, Packet.error("QUEUE_ERROR", "Too many functions"));
			return;
		}
		if (!background && client.failIfNoWorker && function.workers.isEmpty()) {
			// asked for with OPTION_REQ: better a clear error now than a call that waits for its whole timeout
			this.outbox.send(client, Packet.error("NO_WORKER", "No worker has registered function '" + name + "'"));
			return;
		}
		// a large payload stays in its buffer, unless it must be an array: for the store, or as a coalescing key
		boolean keepBuffer = packet.dataBuffer() != null && !(background && this.registry.isDurable())
				&& !DataKey.UNIQUE_BY_DATA.equals(unique);
		byte[] data = keepBuffer ? NO_DATA : packet.data();
		Job existing = this.registry.coalescable(function, unique, data);
		if (existing != null) {
			this.registry.admissions().join(existing, client, background);
			return;
		}
		if (function.isFull(priority)) {
			this.outbox.send(client, Packet.error("QUEUE_ERROR", "Job queue is full"));
			return;
		}
		long size = (packet.dataBuffer() != null) ? packet.dataBuffer().readableBytes() : packet.data().length;
		if (!this.registry.counts().hasRoomFor(function, size)) {
			// payloads are what fills the memory: a queue of a few large jobs is as full as one of many small ones
			this.outbox.send(client, Packet.error("QUEUE_ERROR", "Job queue is full (queued bytes)"));
			return;
		}
		// the engine releases the packet when this command is done; the job keeps its payload until it ends
		ByteBuf payload = keepBuffer ? packet.dataBuffer().retain() : null;
		Job job = this.registry.create(function, unique, data, payload, priority, background, whenToRun, reducer);
		if (!background) {
			this.registry.attach(client, job);
		}
		this.registry.admissions().admit(job, client);
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
