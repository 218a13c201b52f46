package dev.gearman.samples.crosslanguage;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Runs the Java {@code greet} worker and, with {@code --md5=...}, calls the PHP {@code md5} worker once.
 */
@SpringBootApplication
public class CrossLanguageApplication {

	/**
	 * Starts the sample.
	 * @param args e.g. {@code --md5="Hello World!"}
	 */
	public static void main(String[] args) {
		SpringApplication.run(CrossLanguageApplication.class, args);
	}

	@Bean
	ApplicationRunner callPhpWorker(Md5Client client) {
		return (args) -> {
			if (args.containsOption("md5")) {
				System.out.println(client.md5(args.getOptionValues("md5").get(0)));
			}
		};
	}

}
