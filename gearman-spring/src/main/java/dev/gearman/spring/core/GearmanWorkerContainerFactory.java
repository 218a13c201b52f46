package dev.gearman.spring.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;

import dev.gearman.connection.ServerAddress;
import dev.gearman.worker.FunctionRegistration;
import dev.gearman.worker.GearmanWorker;
import dev.gearman.worker.GearmanWorkerSettings;
import org.jspecify.annotations.Nullable;

/**
 * Makes the {@link GearmanWorkerContainer} a {@link GearmanWorkerRegistry} runs its handlers on, in the spirit of
 * Spring Kafka's listener container factory. The default ({@link #forServers}) makes a {@link GearmanWorker}
 * connected to the job servers; a bean of this type replaces it, e.g. in a test that calls the handlers without a
 * job server.
 */
@FunctionalInterface
public interface GearmanWorkerContainerFactory {

	/**
	 * Makes a container; called once when the registry starts with at least one function.
	 * @return the container
	 */
	GearmanWorkerContainer createContainer();

	/**
	 * The default: a {@link GearmanWorker} that takes jobs from the job servers.
	 * @param settings the worker's settings
	 * @param executor where handlers run, {@code null} for the worker's own pool
	 * @return the factory
	 */
	static GearmanWorkerContainerFactory forServers(GearmanWorkerSettings settings, @Nullable Executor executor) {
		return () -> new ServerWorkerContainer(new GearmanWorker(settings, executor));
	}

	/** A {@link GearmanWorker} as a container. */
	record ServerWorkerContainer(GearmanWorker worker) implements GearmanWorkerContainer {

		@Override
		public void register(FunctionRegistration registration) {
			this.worker.register(registration);
		}

		@Override
		public void start() {
			this.worker.start();
		}

		@Override
		public boolean stop(Duration timeout) {
			return this.worker.stop(timeout);
		}

		@Override
		public Map<ServerAddress, Boolean> connectivity() {
			return this.worker.connectivity();
		}

		@Override
		public int inFlight() {
			return this.worker.inFlight();
		}

	}

}
