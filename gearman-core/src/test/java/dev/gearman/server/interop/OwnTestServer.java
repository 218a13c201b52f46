package dev.gearman.server.interop;

import dev.gearman.server.GearmanServer;
import dev.gearman.server.TestServers;

/** Our own {@link GearmanServer} with the in-memory store, as a {@link TestJobServer}. */
final class OwnTestServer implements TestJobServer {

	private GearmanServer server;

	private final int port;

	private OwnTestServer(GearmanServer server) {
		this.server = server;
		this.port = server.port();
	}

	static OwnTestServer start() {
		return new OwnTestServer(TestServers.start((settings) -> {
		}));
	}

	@Override
	public String name() {
		return "GearmanServer";
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public void kill() {
		this.server.stop();
	}

	@Override
	public void restart() {
		this.server = TestServers.start((settings) -> settings.setPort(this.port));
	}

	@Override
	public boolean runsEpochJobs() {
		return true;
	}

	@Override
	public void close() {
		this.server.stop();
	}

	@Override
	public String toString() {
		return name() + " on " + address();
	}

}
