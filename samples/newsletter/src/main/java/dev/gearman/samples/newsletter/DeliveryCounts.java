package dev.gearman.samples.newsletter;

/**
 * How far a newsletter's delivery is, from the database.
 *
 * @param pending addresses not tried yet
 * @param sending addresses a worker is sending to right now; one left here after a worker crashed needs a human
 * to check, since it may or may not have been sent
 * @param sent addresses delivered to
 * @param failed addresses whose last attempt failed; the next {@link NewsletterService#send} retries them
 */
public record DeliveryCounts(int pending, int sending, int sent, int failed) {

	/** @return every address */
	public int total() {
		return this.pending + this.sending + this.sent + this.failed;
	}

	@Override
	public String toString() {
		return String.format("%d of %d sent, %d failed, %d sending, %d pending", this.sent, total(), this.failed,
				this.sending, this.pending);
	}

}
