package dev.gearman.spring.boot.autoconfigure.server;

import java.time.Duration;

import dev.gearman.server.retry.DeadLetterSettings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * How long the job server keeps dead letters: background jobs that used up their attempts
 * ({@code gearman.server.retry.*}). Defaults as Sidekiq's dead set.
 */
@ConfigurationProperties("gearman.server.dead-letters")
public class GearmanDeadLetterProperties {

	/**
	 * Most dead letters kept; the oldest go first. Applied once a minute to a durable store, at once in memory.
	 */
	private int maxCount = 10_000;

	/**
	 * How long a dead letter is kept after its job died.
	 */
	private Duration maxAge = Duration.ofDays(180);

	/**
	 * Most payload bytes of dead letters kept in memory, when the store keeps none ('memory' store).
	 */
	private DataSize maxMemory = DataSize.ofMegabytes(64);

	public int getMaxCount() {
		return this.maxCount;
	}

	public void setMaxCount(int maxCount) {
		this.maxCount = maxCount;
	}

	public Duration getMaxAge() {
		return this.maxAge;
	}

	public void setMaxAge(Duration maxAge) {
		this.maxAge = maxAge;
	}

	public DataSize getMaxMemory() {
		return this.maxMemory;
	}

	public void setMaxMemory(DataSize maxMemory) {
		this.maxMemory = maxMemory;
	}

	/**
	 * The core library's settings.
	 * @return the settings
	 */
	public DeadLetterSettings toSettings() {
		return new DeadLetterSettings().setMaxCount(this.maxCount)
			.setMaxAge(this.maxAge)
			.setMaxMemoryBytes(this.maxMemory.toBytes());
	}

}
