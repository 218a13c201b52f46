package dev.gearman.server.operations;

import java.time.Duration;

import dev.gearman.server.GearmanServerSettings;
import dev.gearman.server.engine.JobEngine;

/**
 * Everything operators do with failed jobs on one running engine: the {@link DeadLetterService}, the
 * {@link JobHistoryService}, their admin text commands (added to the engine's admin protocol), and the retention
 * of both, applied once a minute on the operations thread. Made and closed by the server with its engine.
 */
public final class ServerOperations implements AutoCloseable {

	/** How often the retention of dead letters and history is applied. */
	static final Duration RETENTION_PERIOD = Duration.ofMinutes(1);

	private final OperationsExecutor executor = new OperationsExecutor();

	private final DeadLetterService deadLetters;

	private final JobHistoryService history;

	/**
	 * Sets up the operations of an engine: its admin commands, and the retention.
	 * @param engine the engine, before it takes connections
	 * @param settings the retention of dead letters and history
	 */
	public ServerOperations(JobEngine engine, GearmanServerSettings settings) {
		this.deadLetters = new DeadLetterService(engine, this.executor, settings.getDeadLetters());
		this.history = new JobHistoryService(engine.history(), this.executor, settings.getHistory().getRetention());
		engine.setAdminExtension(new OperatorCommands(this.deadLetters, this.history));
		this.executor.every(RETENTION_PERIOD, "Dead letter retention", this.deadLetters::prune);
		if (this.history.isEnabled()) {
			this.executor.every(RETENTION_PERIOD, "Job history retention", this.history::prune);
		}
	}

	/**
	 * The dead letters.
	 * @return the service
	 */
	public DeadLetterService deadLetters() {
		return this.deadLetters;
	}

	/**
	 * The job history.
	 * @return the service
	 */
	public JobHistoryService jobHistory() {
		return this.history;
	}

	/** Stops the operations thread: waiting requests still run, for at most five seconds. */
	@Override
	public void close() {
		this.executor.close();
	}

}
