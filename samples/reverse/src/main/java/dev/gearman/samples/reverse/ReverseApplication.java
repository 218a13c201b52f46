package dev.gearman.samples.reverse;

import dev.gearman.spring.service.ImportGearmanServices;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Runs the {@code reverse} worker and, with {@code --text=...}, calls it once as a client. Its typed clients
 * ({@link Reverser}) are found in its package by {@code @ImportGearmanServices}.
 */
@SpringBootApplication
@ImportGearmanServices
public class ReverseApplication {

	/**
	 * Starts the sample.
	 * @param args e.g. {@code --text="Hello World!"}
	 */
	public static void main(String[] args) {
		SpringApplication.run(ReverseApplication.class, args);
	}

	@Bean
	ApplicationRunner callReverse(ReverseClient client) {
		return (args) -> {
			if (args.containsOption("text")) {
				String text = args.getOptionValues("text").get(0);
				System.out.println(client.reverse(text));
			}
		};
	}

}
