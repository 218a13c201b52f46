package dev.gearman.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

import dev.gearman.protocol.Packet;
import dev.gearman.protocol.PacketType;
import org.jspecify.annotations.Nullable;

/**
 * One submitted job as the client tracks it: the request, the packet sent, and the future to complete. A
 * foreground submission completes with the result bytes, a background one with its {@link JobHandle}.
 */
final class Submission {

	final JobRequest request;

	final boolean background;

	final Packet packet;

	final CompletableFuture<Object> result = new CompletableFuture<>();

	/** How many servers this submission has been sent to; it moves on when one is lost before JOB_CREATED. */
	int attempts;

	/** How many servers answered that no worker serves the function; it moves on until every one has. */
	int noWorkerAnswers;

	/** The WORK_WARNING received last, unless WORK_DATA or WORK_STATUS came since; event-loop only. */
	byte @Nullable [] lastWarning;

	volatile @Nullable String handle;

	volatile @Nullable ClientConnection connection;

	volatile @Nullable ScheduledFuture<?> timeout;

	Submission(JobRequest request, boolean background, String unique) {
		this.request = request;
		this.background = background;
		this.packet = packet(request, background, unique);
	}

	private static Packet packet(JobRequest request, boolean background, String unique) {
		String function = Packet.utf8(request.function());
		String uniqueArg = Packet.utf8(unique);
		if (request.reducer() != null) {
			PacketType type = background ? PacketType.SUBMIT_REDUCE_JOB_BACKGROUND : PacketType.SUBMIT_REDUCE_JOB;
			return Packet.requestWithData(type, request.payload(), function, uniqueArg,
					Packet.utf8(request.reducer()), "");
		}
		if (request.runAt() != null) {
			return Packet.requestWithData(PacketType.SUBMIT_JOB_EPOCH, request.payload(), function, uniqueArg,
					Long.toString(request.runAt().getEpochSecond()));
		}
		PacketType type = switch (request.priority()) {
			case HIGH -> background ? PacketType.SUBMIT_JOB_HIGH_BG : PacketType.SUBMIT_JOB_HIGH;
			case LOW -> background ? PacketType.SUBMIT_JOB_LOW_BG : PacketType.SUBMIT_JOB_LOW;
			case NORMAL -> background ? PacketType.SUBMIT_JOB_BG : PacketType.SUBMIT_JOB;
		};
		return Packet.requestWithData(type, request.payload(), function, uniqueArg);
	}

	boolean isDone() {
		return this.result.isDone();
	}

	void cancelTimeout() {
		ScheduledFuture<?> pending = this.timeout;
		if (pending != null) {
			pending.cancel(false);
		}
	}

	void fail(Throwable cause) {
		cancelTimeout();
		this.result.completeExceptionally(cause);
	}

	void complete(Object value) {
		cancelTimeout();
		this.result.complete(value);
	}

}
