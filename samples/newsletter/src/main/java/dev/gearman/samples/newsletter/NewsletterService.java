package dev.gearman.samples.newsletter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.gearman.client.JobHandle;
import dev.gearman.client.JobStatus;
import dev.gearman.server.store.StoredDeadLetter;
import dev.gearman.spring.core.DeadLetterOperations;
import dev.gearman.spring.core.GearmanTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Sends newsletters: queues one background {@code deliver_newsletter} job per batch of addresses still due, and
 * follows the batches' progress. The job server retries failed batches; sending again queues the addresses still
 * not sent (e.g. after their batch ended in the dead letters).
 */
@Service
public class NewsletterService {

	private static final Logger logger = LoggerFactory.getLogger(NewsletterService.class);

	private final GearmanTemplate gearman;

	private final DeliveryRepository deliveries;

	private final int batchSize;

	public NewsletterService(GearmanTemplate gearman, DeliveryRepository deliveries,
			@Value("${newsletter.batch-size:25}") int batchSize) {
		this.gearman = gearman;
		this.deliveries = deliveries;
		this.batchSize = batchSize;
	}

	/**
	 * Queues the newsletter for every subscriber not sent to yet, including those whose last attempt failed.
	 * @param newsletterId the newsletter
	 * @return the batch jobs, to follow their progress
	 */
	public List<JobHandle> send(long newsletterId) {
		List<String> due = this.deliveries.due(newsletterId);
		List<JobHandle> batches = new ArrayList<>();
		for (int from = 0; from < due.size(); from += this.batchSize) {
			List<String> emails = due.subList(from, Math.min(from + this.batchSize, due.size()));
			batches.add(this.gearman.submitBackground("deliver_newsletter", new DeliveryBatch(newsletterId, emails)));
		}
		logger.info("Newsletter {}: {} addresses queued in {} batches", newsletterId, due.size(), batches.size());
		return batches;
	}

	/**
	 * Requeues the batches that used up their attempts, e.g. once the mail server is back: the job server keeps them
	 * as dead letters, and each runs again with a fresh attempt count, sending only to the addresses not sent yet.
	 * @return the requeued batches
	 */
	public List<JobHandle> requeueDeadBatches() {
		DeadLetterOperations deadLetters = this.gearman.deadLetters();
		List<JobHandle> requeued = new ArrayList<>();
		for (StoredDeadLetter letter : deadLetters.list("deliver_newsletter", 0, 100)) {
			logger.info("Requeueing batch {} ({} attempts, last: {})", letter.unique(), letter.attempts(),
					letter.lastError());
			requeued.add(deadLetters.requeue(letter.id()));
		}
		return requeued;
	}

	/**
	 * Asks the job server how far each batch is: the numerator and denominator of its last WORK_STATUS.
	 * @param batches the batch jobs
	 * @return their status; {@code known} is false once a batch is done
	 */
	public List<JobStatus> progress(List<JobHandle> batches) {
		return batches.stream().map(this.gearman::status).toList();
	}

	/**
	 * The delivery counts from the database.
	 * @param newsletterId the newsletter
	 * @return the counts
	 */
	public DeliveryCounts counts(long newsletterId) {
		return this.deliveries.counts(newsletterId);
	}

	/**
	 * Waits until the job server has finished every batch (retries included: a batch waiting for its next attempt
	 * is still known to the server), logging progress.
	 * @param newsletterId the newsletter
	 * @param batches the batch jobs
	 * @param timeout how long to wait at most
	 * @return the delivery counts afterwards
	 * @throws InterruptedException if interrupted while waiting
	 */
	public DeliveryCounts await(long newsletterId, List<JobHandle> batches, Duration timeout)
			throws InterruptedException {
		Instant deadline = Instant.now().plus(timeout);
		Instant nextLog = Instant.now();
		List<JobStatus> statuses = progress(batches);
		while (statuses.stream().anyMatch(JobStatus::known)) {
			if (Instant.now().isAfter(deadline)) {
				throw new IllegalStateException("Newsletter " + newsletterId + " not delivered after " + timeout);
			}
			if (Instant.now().isAfter(nextLog)) {
				long running = statuses.stream().filter(JobStatus::running).count();
				logger.info("Newsletter {}: {} ({} batches running)", newsletterId, counts(newsletterId), running);
				nextLog = Instant.now().plusSeconds(1);
			}
			Thread.sleep(50);
			statuses = progress(batches);
		}
		return counts(newsletterId);
	}

}
