package dev.gearman.server.engine;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.jspecify.annotations.Nullable;

/**
 * WORK_STATUS, WORK_DATA, WORK_WARNING, WORK_COMPLETE, WORK_FAIL and WORK_EXCEPTION from workers: accepted only
 * from the connection that holds the job, forwarded to every attached client; the last three end the job.
 * Engine-thread only.
 */
final class WorkResults {

	private final JobRegistry registry;

	private final Outbox outbox;

	private final EngineListener listener;

	private final EngineClock clock;

	WorkResults(JobRegistry registry, Outbox outbox, EngineListener listener, EngineClock clock) {
		this.registry = registry;
		this.outbox = outbox;
		this.listener = listener;
		this.clock = clock;
	}

	void handle(Session worker, Packet packet) {
		Job job = heldJob(worker, packet);
		if (job == null) {
			return;
		}
		switch (packet.type()) {
			case WORK_STATUS -> {
				job.numerator = packet.arg(1);
				job.denominator = packet.arg(2);
				this.outbox.forward(job, Packet.response(PacketType.WORK_STATUS, job.handle, job.numerator,
						job.denominator));
			}
			case WORK_DATA, WORK_WARNING -> this.outbox.forward(job,
					Packet.responseWithDataOf(packet.type(), packet, job.handle));
			case WORK_COMPLETE -> {
				this.outbox.forward(job, Packet.responseWithDataOf(PacketType.WORK_COMPLETE, packet, job.handle));
				finish(job, EngineListener.JobOutcome.COMPLETED, EndReason.COMPLETED);
			}
			case WORK_FAIL -> {
				this.outbox.forward(job, Packet.response(PacketType.WORK_FAIL, job.handle));
				finish(job, EngineListener.JobOutcome.FAILED, EndReason.FAILED);
			}
			case WORK_EXCEPTION -> {
				forwardException(job, packet);
				finish(job, EngineListener.JobOutcome.EXCEPTION, EndReason.FAILED);
			}
			default -> throw new IllegalArgumentException("not a work result: " + packet.type());
		}
	}

	private void finish(Job job, EngineListener.JobOutcome outcome, EndReason reason) {
		this.listener.jobFinished(job.function.name, outcome, this.clock.nanoTime() - job.startedNanos);
		this.registry.end(job, (job.state == JobState.ABANDONED) ? EndReason.ABANDONED : reason);
	}

	/**
	 * Clients that asked for the "exceptions" option get WORK_EXCEPTION; the others get a WORK_FAIL that carries
	 * exactly the handle (gearmand appends a NUL to it).
	 */
	private void forwardException(Job job, Packet packet) {
		Packet exception = null;
		Packet fail = null;
		for (Session client : job.clients) {
			if (client.exceptions) {
				if (exception == null) {
					exception = Packet.responseWithDataOf(PacketType.WORK_EXCEPTION, packet, job.handle);
				}
				// each send hands over one reference; the packet's own is dropped below
				this.outbox.send(client, exception.retain());
			}
			else {
				if (fail == null) {
					fail = Packet.response(PacketType.WORK_FAIL, job.handle);
				}
				this.outbox.send(client, fail);
			}
		}
		if (exception != null) {
			exception.release();
		}
	}

	private @Nullable Job heldJob(Session worker, Packet packet) {
		Job job = this.registry.byHandle(packet.arg(0));
		if (job != null && job.worker == worker && job.state.isAssigned()) {
			return job;
		}
		String text = switch (packet.type()) {
			case WORK_DATA, WORK_WARNING -> "Job does not exist on server";
			case WORK_EXCEPTION -> "An exception was received for a job that does not exist";
			default -> "Job given in work result not found";
		};
		this.outbox.send(worker, Packet.error("JOB_NOT_FOUND", text));
		return null;
	}

}
