package dev.gearman.protocol;

/**
 * A reply to an admin command, written to the wire verbatim (each char as one byte).
 *
 * @param text the exact reply bytes, including its line terminators
 */
public record AdminReply(String text) {
}
