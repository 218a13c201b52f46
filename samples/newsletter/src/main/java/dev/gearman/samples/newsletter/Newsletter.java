package dev.gearman.samples.newsletter;

/**
 * A newsletter.
 *
 * @param id its id
 * @param subject the subject line
 * @param body the text
 */
public record Newsletter(long id, String subject, String body) {

}
