package dev.gearman.spring.boot.autoconfigure.server;

import java.time.Duration;

import dev.gearman.server.history.HistorySettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The history of background jobs: submitted, each failed attempt, completed, dead. Off by default, since it
 * costs writes (see the README's measurement).
 */
@ConfigurationProperties("gearman.server.history")
public class GearmanHistoryProperties {

	/**
	 * Whether the job server records what happens to background jobs, queryable by handle and unique id.
	 */
	private boolean enabled;

	/**
	 * How long events are kept.
	 */
	private Duration retention = Duration.ofDays(7);

	/**
	 * Longest result of a completed job kept with its event; longer results are recorded by their size only, and
	 * 0 keeps sizes only.
	 */
	private DataSize maxResultSize = DataSize.ofKilobytes(1);

	/**
	 * Most events kept in memory, when the store keeps no history ('memory' store); the oldest go first.
	 */
	private int maxMemoryEvents = 100_000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public DataSize getMaxResultSize() {
		return this.maxResultSize;
	}

	public void setMaxResultSize(DataSize maxResultSize) {
		this.maxResultSize = maxResultSize;
	}

	public int getMaxMemoryEvents() {
		return this.maxMemoryEvents;
	}

	public void setMaxMemoryEvents(int maxMemoryEvents) {
		this.maxMemoryEvents = maxMemoryEvents;
	}

	/**
	 * The core library's settings.
	 * @return the settings
	 */
	public HistorySettings toSettings() {
		return new HistorySettings().setEnabled(this.enabled)
			.setRetention(this.retention)
			.setMaxResultSize((int) Math.min(Integer.MAX_VALUE, this.maxResultSize.toBytes()))
			.setMaxMemoryEvents(this.maxMemoryEvents);
	}

}
