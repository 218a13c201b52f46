package dev.gearman.server.engine;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.retry.FailureKind;
import org.jspecify.annotations.Nullable;

/**
 * WORK_STATUS, WORK_DATA, WORK_WARNING, WORK_COMPLETE, WORK_FAIL and WORK_EXCEPTION from workers: accepted only
 * from the connection that holds the job, forwarded to every attached client. WORK_COMPLETE ends the job; a failure
 * goes to {@link FailedAttempts}, whose retry policy decides.
 * Engine-thread only.
 */
final class WorkResults {

	private final JobRegistry registry;

	private final Outbox outbox;

	private final EngineListener listener;

	private final EngineClock clock;

	private final FailedAttempts failures;

	WorkResults(JobRegistry registry, FailedAttempts failures, Outbox outbox, EngineListener listener,
			EngineClock clock) {
		this.registry = registry;
		this.failures = failures;
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
				report(job, EngineListener.JobOutcome.COMPLETED);
				this.registry.complete(job, packet);
			}
			case WORK_FAIL -> {
				report(job, EngineListener.JobOutcome.FAILED);
				this.failures.failed(job, FailureKind.FAIL, null);
			}
			case WORK_EXCEPTION -> {
				report(job, EngineListener.JobOutcome.EXCEPTION);
				this.failures.failed(job, FailureKind.EXCEPTION, packet);
			}
			default -> throw new IllegalArgumentException("not a work result: " + packet.type());
		}
	}

	private void report(Job job, EngineListener.JobOutcome outcome) {
		long runNanos = this.clock.nanoTime() - job.startedNanos;
		job.function.runTimes.record(runNanos, outcome == EngineListener.JobOutcome.COMPLETED);
		this.listener.jobFinished(job.function.name, outcome, runNanos);
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
