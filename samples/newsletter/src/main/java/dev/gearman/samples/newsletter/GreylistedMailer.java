package dev.gearman.samples.newsletter;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stands in for an SMTP client, and logs instead of sending. Like a mail server that greylists, it turns away
 * the first attempt for every tenth address ("451 try again later"), so that the demo has failures to retry.
 */
@Component
public class GreylistedMailer implements Mailer {

	private static final Logger logger = LoggerFactory.getLogger(GreylistedMailer.class);

	private final Set<String> seen = ConcurrentHashMap.newKeySet();

	@Override
	public void send(Newsletter newsletter, String email) {
		if (this.seen.add(newsletter.id() + " " + email) && Math.floorMod(email.hashCode(), 10) == 0) {
			throw new IllegalStateException("451 4.7.1 " + email + ": greylisted, try again later");
		}
		logger.debug("Sent '{}' to {}", newsletter.subject(), email);
	}

}
