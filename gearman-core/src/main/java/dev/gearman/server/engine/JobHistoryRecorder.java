package dev.gearman.server.engine;

import dev.gearman.protocol.Packet;
import dev.gearman.server.history.JobEvent;
import dev.gearman.server.history.JobHistoryStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.jspecify.annotations.Nullable;

/**
 * Turns what happens to background jobs into {@link JobEvent}s for the {@link JobHistoryStore}, when the history is
 * on; with it off every call returns at once. Foreground jobs have no history: their client saw what happened.
 * Engine-thread only.
 */
final class JobHistoryRecorder {

	/** Records nothing. */
	static final JobHistoryRecorder OFF = new JobHistoryRecorder(JobHistoryStore.NONE, EngineClock.SYSTEM, 0);

	private final JobHistoryStore store;

	private final EngineClock clock;

	private final int maxResultSize;

	JobHistoryRecorder(JobHistoryStore store, EngineClock clock, int maxResultSize) {
		this.store = store;
		this.clock = clock;
		this.maxResultSize = maxResultSize;
	}

	void record(Job job, JobEvent.Type type) {
		if (isOn(job)) {
			String detail = (type == JobEvent.Type.CANCELLED || type == JobEvent.Type.SUBMITTED
					|| type == JobEvent.Type.RESTORED || type == JobEvent.Type.REQUEUED) ? null : job.lastError;
			this.store.record(event(job, type, detail,
					(detail != null && job.lastWorker != null) ? StoreWrites.workerId(job.lastWorker) : null, 0, null));
		}
	}

	/** A worker sent WORK_COMPLETE: the result's size, and the result itself up to the configured length. */
	void completed(Job job, Packet result) {
		if (!isOn(job)) {
			return;
		}
		ByteBuf buffer = result.dataBuffer();
		long size = (buffer != null) ? buffer.readableBytes() : result.data().length;
		byte[] kept = null;
		if (size <= this.maxResultSize) {
			kept = (buffer != null) ? ByteBufUtil.getBytes(buffer) : result.data();
		}
		String worker = (job.worker != null) ? StoreWrites.workerId(job.worker.clientId) : null;
		this.store.record(event(job, JobEvent.Type.COMPLETED, null, worker, size, kept));
	}

	private boolean isOn(Job job) {
		return this.store != JobHistoryStore.NONE && job.background;
	}

	private JobEvent event(Job job, JobEvent.Type type, @Nullable String detail, @Nullable String worker, long size,
			byte @Nullable [] result) {
		return new JobEvent(job.handle, job.function.name, job.storeKey, type, job.attempts,
				this.clock.currentTimeMillis(), detail, worker, size, result);
	}

}
