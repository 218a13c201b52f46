package dev.gearman.spring.boot.autoconfigure.server;

import dev.gearman.server.GearmanServer;
import dev.gearman.spring.core.GearmanWorkerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Drains the job server early in the context's shutdown, before the web server stops, so that readiness, now
 * REFUSING_TRAFFIC, can still be read while the server drains: it first stops the application's own workers (they
 * take no new job and finish the ones in flight, which still reach their clients), then stops the server, which
 * waits for jobs running on other workers. The server itself was started when its bean was created.
 */
public class GearmanServerLifecycle implements SmartLifecycle {

	private final GearmanServer server;

	private final ApplicationEventPublisher publisher;

	private final ObjectProvider<GearmanWorkerRegistry> workers;

	/**
	 * Creates the lifecycle.
	 * @param server the server
	 * @param publisher where the readiness change goes
	 */
	public GearmanServerLifecycle(GearmanServer server, ApplicationEventPublisher publisher,
			ObjectProvider<GearmanWorkerRegistry> workers) {
		this.server = server;
		this.publisher = publisher;
		this.workers = workers;
	}

	@Override
	public void start() {
		// the server bean starts itself so that clients and workers built later can connect to it
	}

	@Override
	public void stop() {
		if (this.server.isRunning()) {
			AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
			GearmanWorkerRegistry registry = this.workers.getIfAvailable();
			if (registry != null && registry.isRunning()) {
				registry.stop();
			}
			this.server.stop();
		}
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

	/**
	 * Not paused with a test context that Spring's context cache puts aside: the server is started by its bean, not
	 * by {@link #start()}, so a paused server would not come back when the context is used again, and its clients and
	 * workers hold its port.
	 */
	@Override
	public boolean isPauseable() {
		return false;
	}

	@Override
	public int getPhase() {
		// stops first: after this phase come the workers and the web server's graceful shutdown (DEFAULT - 1024)
		return SmartLifecycle.DEFAULT_PHASE;
	}

}
