package dev.gearman.server.engine;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.jspecify.annotations.Nullable;

/**
 * WORK_STATUS, WORK_DATA, WORK_WARNING, WORK_COMPLETE, WORK_FAIL and WORK_EXCEPTION from workers: accepted only
 * from the connection that holds the job, forwarded to every attached client. Engine-thread only.
 */
final class WorkResults {

	private final EngineState state;

	private final JobDispatcher dispatcher;

	WorkResults(EngineState state, JobDispatcher dispatcher) {
		this.state = state;
		this.dispatcher = dispatcher;
	}

	void handle(Session worker, Packet packet) {
		Job job = ownedJob(worker, packet);
		if (job == null) {
			return;
		}
		switch (packet.type()) {
			case WORK_STATUS -> {
				job.numerator = packet.arg(1);
				job.denominator = packet.arg(2);
				this.state.forward(job, Packet.response(PacketType.WORK_STATUS, job.handle, job.numerator,
						job.denominator));
			}
			case WORK_DATA, WORK_WARNING, WORK_COMPLETE ->
				this.state.forward(job, Packet.responseWithDataOf(packet.type(), packet, job.handle));
			case WORK_FAIL -> this.state.forward(job, Packet.response(PacketType.WORK_FAIL, job.handle));
			case WORK_EXCEPTION -> forwardException(job, packet);
			default -> throw new IllegalArgumentException("not a work result: " + packet.type());
		}
		PacketType type = packet.type();
		if (type == PacketType.WORK_COMPLETE || type == PacketType.WORK_FAIL || type == PacketType.WORK_EXCEPTION) {
			EngineListener.JobOutcome outcome = (type == PacketType.WORK_COMPLETE) ? EngineListener.JobOutcome.COMPLETED
					: (type == PacketType.WORK_FAIL) ? EngineListener.JobOutcome.FAILED
							: EngineListener.JobOutcome.EXCEPTION;
			this.state.listener.jobFinished(job.function.name, outcome, System.nanoTime() - job.startedNanos);
			this.dispatcher.release(worker, job);
			this.state.release(job);
		}
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
				this.state.send(client, exception.retain());
			}
			else {
				if (fail == null) {
					fail = Packet.response(PacketType.WORK_FAIL, job.handle);
				}
				this.state.send(client, fail);
			}
		}
		if (exception != null) {
			exception.release();
		}
	}

	private @Nullable Job ownedJob(Session worker, Packet packet) {
		Job job = this.state.job(packet.arg(0));
		if (job != null && job.worker == worker && job.state == JobState.RUNNING) {
			return job;
		}
		String text = switch (packet.type()) {
			case WORK_DATA, WORK_WARNING -> "Job does not exist on server";
			case WORK_EXCEPTION -> "An exception was received for a job that does not exist";
			default -> "Job given in work result not found";
		};
		this.state.send(worker, Packet.error("JOB_NOT_FOUND", text));
		return null;
	}

}
