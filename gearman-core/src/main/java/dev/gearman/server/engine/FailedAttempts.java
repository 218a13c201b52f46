package dev.gearman.server.engine;

import java.nio.charset.StandardCharsets;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.retry.FailureKind;
import dev.gearman.server.retry.RetryPolicy;
import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when an attempt of a job goes wrong, whichever way (WORK_FAIL, WORK_EXCEPTION, the worker gone, its
 * CAN_DO_TIMEOUT passed): the function's {@link RetryPolicy} decides between running it again at once, after a
 * backoff, or ending it; an ending job's clients get the failure, and a background job may become a dead letter.
 * Engine-thread only.
 */
final class FailedAttempts {

	private static final Logger logger = LoggerFactory.getLogger(FailedAttempts.class);

	/** The longest error text a job keeps; the rest of a long WORK_EXCEPTION is dropped. */
	static final int MAX_ERROR_LENGTH = 4096;

	private final JobRegistry registry;

	private final Outbox outbox;

	private final EngineListener listener;

	private final EngineClock clock;

	FailedAttempts(JobRegistry registry, Outbox outbox, EngineListener listener, EngineClock clock) {
		this.registry = registry;
		this.outbox = outbox;
		this.listener = listener;
		this.clock = clock;
	}

	/**
	 * An attempt went wrong.
	 * @param job the job, held by its worker
	 * @param kind how
	 * @param exception the WORK_EXCEPTION, for {@link FailureKind#EXCEPTION}
	 */
	void failed(Job job, FailureKind kind, @Nullable Packet exception) {
		String error = (exception != null) ? text(exception) : kind.description();
		job.attempts++;
		job.lastError = error;
		job.lastFailureMillis = this.clock.currentTimeMillis();
		job.lastWorker = (job.worker != null) ? job.worker.clientId : "-";
		if (job.state == JobState.ABANDONED) {
			// nobody waits for it any more: it is not run again
			this.registry.end(job, EndReason.ABANDONED);
			return;
		}
		RetryPolicy policy = job.function.retryPolicy;
		boolean noRetry = error.startsWith(RetryPolicy.NO_RETRY_MARKER);
		RetryPolicy.Decision decision = policy.decide(job.attempts, kind, job.background, noRetry);
		if (decision == RetryPolicy.Decision.RETRY_NOW || decision == RetryPolicy.Decision.RETRY_LATER) {
			this.registry.history().record(job, JobEvent.Type.ATTEMPT_FAILED);
		}
		switch (decision) {
			case RETRY_NOW -> this.registry.requeue(job);
			case RETRY_LATER -> {
				long delay = policy.delay(job.attempts).toMillis();
				logger.debug("Job {} of function '{}' failed ({}), attempt {} of {}; retrying in {} ms", job.handle,
						job.function.name, kind, job.attempts, policy.maxAttempts(), delay);
				this.listener.retryScheduled(job.function.name, delay);
				this.registry.retryLater(job, delay);
			}
			case FAIL, DEAD -> end(job, kind, exception, decision == RetryPolicy.Decision.DEAD);
		}
	}

	private void end(Job job, FailureKind kind, @Nullable Packet exception, boolean dead) {
		if (kind == FailureKind.WORKER_LOST || kind == FailureKind.TIMEOUT) {
			// WORK_FAIL and WORK_EXCEPTION were counted when they arrived; a lost attempt only now
			this.listener.jobFinished(job.function.name, EngineListener.JobOutcome.FAILED, 0);
		}
		// per-job events stay at DEBUG; operators see them as metrics and in the dead letters
		logger.debug("Job {} of function '{}' ended after {} attempts ({}){}", job.handle, job.function.name,
				job.attempts, job.lastError, dead ? ", kept as a dead letter" : "");
		if (exception != null) {
			forwardException(job, exception);
		}
		else {
			this.outbox.forward(job, Packet.response(PacketType.WORK_FAIL, job.handle));
		}
		this.registry.end(job, dead ? EndReason.DEAD : EndReason.FAILED);
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

	private static String text(Packet exception) {
		ByteBuf buffer = exception.dataBuffer();
		if (buffer != null) {
			int length = Math.min(buffer.readableBytes(), MAX_ERROR_LENGTH);
			return buffer.toString(buffer.readerIndex(), length, StandardCharsets.UTF_8);
		}
		byte[] data = exception.data();
		return new String(data, 0, Math.min(data.length, MAX_ERROR_LENGTH), StandardCharsets.UTF_8);
	}

}
