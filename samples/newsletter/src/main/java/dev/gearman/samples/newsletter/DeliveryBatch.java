package dev.gearman.samples.newsletter;

import java.util.List;

/**
 * The workload of a {@code deliver_newsletter} job, sent as JSON: which newsletter to whom. The job carries only
 * ids; the worker reads the rest from the database.
 *
 * @param newsletterId the newsletter
 * @param emails the subscribers
 */
public record DeliveryBatch(long newsletterId, List<String> emails) {

}
