package dev.gearman.samples.newsletter;

import java.time.Duration;
import java.util.List;

import dev.gearman.client.JobHandle;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * Delivers a newsletter to 200 demo subscribers; the job server retries the batches whose addresses failed.
 */
@SpringBootApplication
public class NewsletterApplication {

	/**
	 * Starts the sample.
	 * @param args e.g. {@code --newsletter.batch-size=10}
	 */
	public static void main(String[] args) {
		SpringApplication.run(NewsletterApplication.class, args);
	}

	@Bean
	ApplicationRunner deliverNewsletter(NewsletterService newsletters, DeliveryRepository repository) {
		return (args) -> {
			for (int i = 1; i <= 200; i++) {
				repository.subscribe("reader" + i + "@example.com", "Reader " + i);
			}
			long id = repository.create("Gearman, done the Spring way", "Background jobs for everyone.");
			List<JobHandle> batches = newsletters.send(id);
			// batches with failed addresses fail, and the job server runs them again after a backoff
			System.out.println("Delivered: " + newsletters.await(id, batches, Duration.ofSeconds(60)));
		};
	}

}
