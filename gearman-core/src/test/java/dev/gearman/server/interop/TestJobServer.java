package dev.gearman.server.interop;

/**
 * A real job server the client/worker tests run against, on a free loopback port: Debian's gearmand or our own
 * {@link dev.gearman.server.GearmanServer}. It can be stopped and started again on the same port, to test
 * reconnection and failover.
 */
public interface TestJobServer extends AutoCloseable {

	/** @return a short name for test output */
	String name();

	/** @return the loopback port it listens on; stays the same across {@link #restart()} */
	int port();

	/** @return {@code host:port} for client and worker settings */
	default String address() {
		return Peers.HOST + ":" + port();
	}

	/** Stops the server abruptly, dropping every connection and every job it held in memory. */
	void kill();

	/** Starts the server again on the same port after {@link #kill()}. */
	void restart();

	/** @return whether the server runs SUBMIT_JOB_EPOCH jobs at their time */
	boolean runsEpochJobs();

	@Override
	void close();

}
