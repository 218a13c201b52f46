package dev.gearman.server;

import java.util.function.Consumer;

import dev.gearman.server.store.NonDurableJobStore;

/**
 * Our job server on a free loopback port, for tests of any package and module (it is in gearman-core's test jar).
 */
public final class TestServers {

	/** The address every test server listens on. */
	public static final String HOST = "127.0.0.1";

	private TestServers() {
	}

	/** Reply limits of a server with the default settings, for pipelines built by hand. */
	static ReplyLimits replyLimits() {
		GearmanServerSettings settings = new GearmanServerSettings();
		return new ReplyLimits(settings.getReplyBudgetPerConnection(), settings.effectiveMaxReplyBytesPerConnection(),
				new ReplyMemory(settings.effectiveMaxReplyBytes()));
	}

	/**
	 * Starts a server with the non-durable store on a free loopback port.
	 * @param customizer adjusts the settings before the start, e.g. a packet size limit
	 * @return the running server; the caller stops it
	 */
	public static GearmanServer start(Consumer<GearmanServerSettings> customizer) {
		GearmanServerSettings settings = new GearmanServerSettings();
		settings.setAddress(HOST);
		settings.setPort(0);
		customizer.accept(settings);
		GearmanServer server = new GearmanServer(settings, NonDurableJobStore.INSTANCE);
		server.start();
		return server;
	}

}
