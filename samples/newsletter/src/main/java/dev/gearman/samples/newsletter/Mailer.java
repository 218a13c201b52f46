package dev.gearman.samples.newsletter;

/**
 * Sends one newsletter to one address, e.g. over SMTP.
 */
public interface Mailer {

	/**
	 * Sends the newsletter.
	 * @param newsletter the newsletter
	 * @param email the address
	 * @throws RuntimeException if it was not sent (it may be retried)
	 */
	void send(Newsletter newsletter, String email);

}
