package dev.gearman.samples.newsletter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;

/**
 * Subscribers, newsletters and who got which, in the database that clients and workers share.
 */
@Repository
public class DeliveryRepository {

	private final JdbcClient jdbc;

	public DeliveryRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public void subscribe(String email, String name) {
		this.jdbc.sql("MERGE INTO subscriber (email, name) KEY (email) VALUES (?, ?)").params(email, name).update();
	}

	public long create(String subject, String body) {
		KeyHolder key = new GeneratedKeyHolder();
		this.jdbc.sql("INSERT INTO newsletter (subject, body) VALUES (?, ?)").params(subject, body).update(key, "id");
		return key.getKeyAs(Long.class);
	}

	public Optional<Newsletter> find(long id) {
		return this.jdbc.sql("SELECT id, subject, body FROM newsletter WHERE id = ?")
			.param(id)
			.query(Newsletter.class)
			.optional();
	}

	/**
	 * Adds a PENDING delivery for every subscriber who has none yet, and lists the addresses still to send to:
	 * PENDING or FAILED, never SENT or SENDING.
	 * @param newsletterId the newsletter
	 * @return the addresses to send to
	 */
	public List<String> due(long newsletterId) {
		this.jdbc.sql("""
				INSERT INTO delivery (newsletter_id, email, status)
				SELECT ?, s.email, 'PENDING' FROM subscriber s
				WHERE NOT EXISTS (SELECT 1 FROM delivery d WHERE d.newsletter_id = ? AND d.email = s.email)
				""").params(newsletterId, newsletterId).update();
		return this.jdbc
			.sql("SELECT email FROM delivery WHERE newsletter_id = ? AND status IN ('PENDING', 'FAILED') ORDER BY email")
			.param(newsletterId)
			.query(String.class)
			.list();
	}

	/**
	 * Claims an address for sending. The update is atomic, so of two workers given the same address only one
	 * claims it, and a batch that runs again skips the addresses already sent.
	 * @param newsletterId the newsletter
	 * @param email the address
	 * @return whether this worker should send
	 */
	public boolean claim(long newsletterId, String email) {
		return this.jdbc.sql("""
				UPDATE delivery SET status = 'SENDING', attempts = attempts + 1
				WHERE newsletter_id = ? AND email = ? AND status IN ('PENDING', 'FAILED')
				""").params(newsletterId, email).update() == 1;
	}

	public void sent(long newsletterId, String email) {
		this.jdbc.sql("""
				UPDATE delivery SET status = 'SENT', sent_at = CURRENT_TIMESTAMP, last_error = NULL
				WHERE newsletter_id = ? AND email = ?
				""").params(newsletterId, email).update();
	}

	public void failed(long newsletterId, String email, String error) {
		String truncated = (error.length() > 500) ? error.substring(0, 500) : error;
		this.jdbc.sql("UPDATE delivery SET status = 'FAILED', last_error = ? WHERE newsletter_id = ? AND email = ?")
			.params(truncated, newsletterId, email)
			.update();
	}

	public DeliveryCounts counts(long newsletterId) {
		Map<String, Integer> counts = new HashMap<>();
		this.jdbc.sql("SELECT status, COUNT(*) FROM delivery WHERE newsletter_id = ? GROUP BY status")
			.param(newsletterId)
			.query((row) -> {
				counts.put(row.getString(1), row.getInt(2));
			});
		return new DeliveryCounts(counts.getOrDefault("PENDING", 0), counts.getOrDefault("SENDING", 0),
				counts.getOrDefault("SENT", 0), counts.getOrDefault("FAILED", 0));
	}

}
