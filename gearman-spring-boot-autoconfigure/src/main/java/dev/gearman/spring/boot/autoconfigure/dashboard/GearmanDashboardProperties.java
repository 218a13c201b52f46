package dev.gearman.spring.boot.autoconfigure.dashboard;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the dashboard at {@code /dashboard}, served when {@code gearman-dashboard} is on the classpath
 * of a web application with an embedded job server.
 */
@ConfigurationProperties("gearman.dashboard")
public class GearmanDashboardProperties {

	/**
	 * Whether to serve the dashboard and its JSON API at /dashboard.
	 */
	private boolean enabled = true;

	/**
	 * How often open pages refresh, and the shortest time between two snapshots of the job server (one snapshot
	 * serves every open page; none is taken while nobody watches).
	 */
	private Duration refreshInterval = Duration.ofSeconds(2);

	/**
	 * Time between two samples of the job server's counters for the overview's charts, which show the last hour.
	 */
	private Duration sampleInterval = Duration.ofSeconds(10);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	public Duration getSampleInterval() {
		return this.sampleInterval;
	}

	public void setSampleInterval(Duration sampleInterval) {
		this.sampleInterval = sampleInterval;
	}

}
