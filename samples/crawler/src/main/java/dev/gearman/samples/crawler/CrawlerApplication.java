package dev.gearman.samples.crawler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Runs the {@code crawl} worker, the REST endpoints that submit and watch crawls, and the page that uses them
 * ({@code http://localhost:8080/}).
 */
@SpringBootApplication
public class CrawlerApplication {

	/**
	 * Starts the sample.
	 * @param args Spring Boot arguments, e.g. {@code --gearman.servers=host:4730}
	 */
	public static void main(String[] args) {
		SpringApplication.run(CrawlerApplication.class, args);
	}

}
