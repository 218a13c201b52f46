package dev.gearman.samples.logqueue;

import dev.gearman.client.JobHandle;
import dev.gearman.client.JobPriority;
import dev.gearman.spring.core.GearmanTemplate;
import org.springframework.stereotype.Service;

/**
 * Queues log records as background jobs: each call returns as soon as the job server has accepted (and, with a
 * durable store, stored) the record; no worker needs to be running.
 */
@Service
public class LogQueueClient {

	/** The function the worker serves. */
	public static final String FUNCTION = "log_write";

	private final GearmanTemplate gearman;

	public LogQueueClient(GearmanTemplate gearman) {
		this.gearman = gearman;
	}

	/**
	 * Queues one record, fire and forget.
	 * @param record the record, sent as JSON with its id as the job's unique id
	 * @return the job's handle
	 */
	public JobHandle queue(LogRecord record) {
		return this.gearman.submitBackground(FUNCTION, record, JobPriority.NORMAL, record.id(), null);
	}

}
