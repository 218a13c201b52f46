package dev.gearman.spring.core;

import java.time.Duration;
import java.util.Map;

import dev.gearman.connection.ServerAddress;
import dev.gearman.worker.FunctionRegistration;

/**
 * What runs the {@code @GearmanFunction} handlers of a {@link GearmanWorkerRegistry}: by default a
 * {@link dev.gearman.worker.GearmanWorker} that takes jobs from the job servers; in a test, possibly a stand-in that
 * only keeps the handlers, so that the test calls them directly (see {@link GearmanWorkerContainerFactory}).
 */
public interface GearmanWorkerContainer {

	/**
	 * Offers a function; may be called before or after {@link #start()}.
	 * @param registration the function and its handler
	 */
	void register(FunctionRegistration registration);

	/**
	 * Starts taking jobs.
	 */
	void start();

	/**
	 * Stops gracefully: takes no more jobs and waits for the jobs in flight.
	 * @param timeout how long to wait for them
	 * @return {@code true} if every job finished in time
	 */
	boolean stop(Duration timeout);

	/**
	 * Whether each job server is connected, for health checks.
	 * @return per server, {@code true} if connected; empty for a container that uses no server
	 */
	Map<ServerAddress, Boolean> connectivity();

	/**
	 * Jobs running now.
	 * @return the count
	 */
	int inFlight();

}
