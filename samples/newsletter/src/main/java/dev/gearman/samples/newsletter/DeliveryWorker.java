package dev.gearman.samples.newsletter;

import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.worker.DoNotRetryException;
import dev.gearman.worker.JobContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Serves {@code deliver_newsletter}: sends a newsletter to a batch of addresses, recording each one, and reports
 * progress (WORK_STATUS) after each address so that a status query shows how far the batch is. A batch with
 * failed addresses fails, and the job server runs it again after a backoff ({@code gearman.server.retry.*}); the
 * run again sends only to the addresses that failed. A batch that keeps failing ends in the job server's dead
 * letters, where an operator requeues it once the mail server is back.
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
	 * Delivers one batch; every address is tried, and the batch fails if any of them failed.
	 * @param batch the newsletter and the addresses
	 * @param job the job, for progress
	 * @return a one-line summary
	 * @throws IllegalStateException if addresses failed: the job server retries the batch
	 * @throws DoNotRetryException if the newsletter does not exist: no retry can help
	 */
	@GearmanFunction(name = "deliver_newsletter")
	public String deliver(DeliveryBatch batch, JobContext job) {
		Newsletter newsletter = this.deliveries.find(batch.newsletterId())
			.orElseThrow(() -> new DoNotRetryException("newsletter " + batch.newsletterId() + " does not exist"));
		int done = 0;
		int failed = 0;
		String lastError = null;
		for (String email : batch.emails()) {
			if (this.deliveries.claim(newsletter.id(), email)) {
				try {
					this.mailer.send(newsletter, email);
					this.deliveries.sent(newsletter.id(), email);
				}
				catch (RuntimeException ex) {
					failed++;
					lastError = String.valueOf(ex.getMessage());
					this.deliveries.failed(newsletter.id(), email, lastError);
					logger.warn("Newsletter {} to {} failed: {}", newsletter.id(), email, ex.getMessage());
				}
			}
			job.sendStatus(++done, batch.emails().size());
		}
		if (failed > 0) {
			// the message becomes the WORK_EXCEPTION text: the dead letter's error if the retries run out
			throw new IllegalStateException(failed + " of " + done + " addresses failed, e.g. " + lastError);
		}
		return done + " addresses";
	}

}
