package dev.gearman.spring.boot.autoconfigure.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.engine.EngineSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Stops the embedded job server gracefully, after the application's workers have stopped: it waits (at most
 * {@code gearman.server.shutdown-timeout}) until no job is running, so that the results of jobs finishing during
 * shutdown still reach their clients, then closes the server. The server itself starts when its bean is created,
 * since its port must be known before clients and workers are built.
 */
class GearmanServerLifecycle implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(GearmanServerLifecycle.class);

	/** After the worker registry's phase, so the server outlives the workers' drain. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private final GearmanServer server;

	private final Duration shutdownTimeout;

	GearmanServerLifecycle(GearmanServer server, Duration shutdownTimeout) {
		this.server = server;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void start() {
		// started when the bean was created
	}

	@Override
	public void stop() {
		if (!this.server.isRunning()) {
			return;
		}
		long deadline = System.nanoTime() + this.shutdownTimeout.toNanos();
		int running = running();
		while (running > 0 && System.nanoTime() < deadline) {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			running = running();
		}
		if (running > 0) {
			logger.warn("{} jobs still running after {} ms; stopping the job server anyway", running,
					this.shutdownTimeout.toMillis());
		}
		this.server.stop();
	}

	private int running() {
		try {
			EngineSnapshot snapshot = this.server.engine().snapshot().get(1, TimeUnit.SECONDS);
			return snapshot.functions().stream().mapToInt(EngineSnapshot.FunctionStatus::running).sum();
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			return 0;
		}
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
