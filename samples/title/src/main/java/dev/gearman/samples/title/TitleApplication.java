package dev.gearman.samples.title;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runs the {@code title} worker and the {@link PriorityDemo}.
 */
@SpringBootApplication
public class TitleApplication {

	/**
	 * Starts the sample.
	 * @param args e.g. {@code --gearman.server.enabled=false --gearman.servers=host:4730}
	 */
	public static void main(String[] args) {
		SpringApplication.run(TitleApplication.class, args);
	}

}
