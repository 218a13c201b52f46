package dev.gearman.spring.boot.autoconfigure.server;

import dev.gearman.server.GearmanServer;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Drains the job server early in the context's shutdown: before the application's workers stop (so that the jobs
 * they run can finish and report) and before the web server stops (so that readiness, now REFUSING_TRAFFIC, can
 * still be read while the server drains). The server itself was started when its bean was created.
 */
public class GearmanServerLifecycle implements SmartLifecycle {

	private final GearmanServer server;

	private final ApplicationEventPublisher publisher;

	/**
	 * Creates the lifecycle.
	 * @param server the server
	 * @param publisher where the readiness change goes
	 */
	public GearmanServerLifecycle(GearmanServer server, ApplicationEventPublisher publisher) {
		this.server = server;
		this.publisher = publisher;
	}

	@Override
	public void start() {
		// the server bean starts itself so that clients and workers built later can connect to it
	}

	@Override
	public void stop() {
		if (this.server.isRunning()) {
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
			this.server.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

	@Override
	public int getPhase() {
		// stops first: after this phase come the workers and the web server's graceful shutdown (DEFAULT - 1024)
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
