package dev.gearman.server.interop;

import java.util.function.Supplier;

/** The job servers every client/worker scenario runs against. */
public enum ServerKind {

	/** Debian's gearmand, the reference implementation. */
	GEARMAND(GearmandTestServer::start),

	/** Our own {@link dev.gearman.server.GearmanServer}. */
	OWN(OwnTestServer::start);

	private final Supplier<TestJobServer> starter;

	ServerKind(Supplier<TestJobServer> starter) {
		this.starter = starter;
	}

	/** @return a new server of this kind on a free loopback port */
	public TestJobServer start() {
		return this.starter.get();
	}

}
