package dev.gearman.samples.thumbnails;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A web application whose thumbnail workers run in the same process; run more instances with
 * {@code --gearman.server.enabled=false --gearman.servers=host:4730 --server.port=0} to add workers.
 */
@SpringBootApplication
public class ThumbnailsApplication {

	/**
	 * Starts the sample.
	 * @param args e.g. {@code --server.port=8080}
	 */
	public static void main(String[] args) {
		SpringApplication.run(ThumbnailsApplication.class, args);
	}

}
