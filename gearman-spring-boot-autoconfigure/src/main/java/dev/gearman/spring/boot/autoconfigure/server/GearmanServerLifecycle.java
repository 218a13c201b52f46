package dev.gearman.spring.boot.autoconfigure.server;

import dev.gearman.server.GearmanServer;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

import java.util.HashMap;
import java.util.Map;

/**
 * Starts the in-process job server with the application context and stops it on shutdown. Starts early (before
 * workers and clients, which may connect to it) and stops late. Publishes the bound port as
 * {@code local.gearman.port}.
 */
public class GearmanServerLifecycle implements SmartLifecycle {

	/** The phase: before the default phase, in which workers start. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private static final String PORT_PROPERTY = "local.gearman.port";

	private final GearmanServer server;

	private final ApplicationContext context;

	/**
	 * Creates the lifecycle.
	 * @param server the server to run
	 * @param context the application context, whose environment gets {@code local.gearman.port}
	 */
	public GearmanServerLifecycle(GearmanServer server, ApplicationContext context) {
		this.server = server;
		this.context = context;
	}

	@Override
	public void start() {
		this.server.start();
		publishPort(this.server.port());
	}

	@Override
	public void stop() {
		this.server.stop();
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void publishPort(int port) {
		ApplicationContext current = this.context;
		while (current != null) {
			if (current instanceof ConfigurableApplicationContext configurable) {
				setPortProperty(configurable.getEnvironment(), port);
			}
			current = current.getParent();
		}
	}

	@SuppressWarnings("unchecked")
	private static void setPortProperty(ConfigurableEnvironment environment, int port) {
		MutablePropertySources sources = environment.getPropertySources();
		PropertySource<?> source = sources.get("gearman.ports");
		if (source == null) {
			source = new MapPropertySource("gearman.ports", new HashMap<>());
			sources.addFirst(source);
		}
		((Map<String, Object>) source.getSource()).put(PORT_PROPERTY, port);
	}

}
