package dev.gearman.server.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Gearman job server as a Spring Boot application: {@code java -jar gearman-server-app.jar}. Configured
 * with {@code gearman.server.*} properties (see {@code application.yml}).
 */
@SpringBootApplication
public class GearmanServerApplication {

	/**
	 * Starts the server.
	 * @param args command-line arguments, e.g. {@code --gearman.server.port=4730}
	 */
	public static void main(String[] args) {
		SpringApplication.run(GearmanServerApplication.class, args);
	}

}
