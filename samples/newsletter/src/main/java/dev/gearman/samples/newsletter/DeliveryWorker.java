package dev.gearman.samples.newsletter;

import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.worker.JobContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Serves {@code deliver_newsletter}: sends a newsletter to a batch of addresses, recording each one, and reports
 * progress (WORK_STATUS) after each address so that a status query shows how far the batch is.
 */
@Component
public class DeliveryWorker {

	private static final Logger logger = LoggerFactory.getLogger(DeliveryWorker.class);

	private final DeliveryRepository deliveries;

	private final Mailer mailer;

	public DeliveryWorker(DeliveryRepository deliveries, Mailer mailer) {
		this.deliveries = deliveries;
		this.mailer = mailer;
	}

	/**
	 * Delivers one batch. A failed address does not fail the batch: it is recorded and retried by the next
	 * send.
	 * @param batch the newsletter and the addresses
	 * @param job the job, for progress
	 * @return a one-line summary
	 */
	@GearmanFunction(name = "deliver_newsletter")
	public String deliver(DeliveryBatch batch, JobContext job) {
		Newsletter newsletter = this.deliveries.newsletter(batch.newsletterId());
		int done = 0;
		int failed = 0;
		for (String email : batch.emails()) {
			if (this.deliveries.claim(newsletter.id(), email)) {
				try {
					this.mailer.send(newsletter, email);
					this.deliveries.sent(newsletter.id(), email);
				}
				catch (RuntimeException ex) {
					failed++;
					this.deliveries.failed(newsletter.id(), email, String.valueOf(ex.getMessage()));
					logger.warn("Newsletter {} to {} failed: {}", newsletter.id(), email, ex.getMessage());
				}
			}
			job.sendStatus(++done, batch.emails().size());
		}
		return done + " addresses, " + failed + " failed";
	}

}
