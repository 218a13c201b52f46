package dev.gearman.protocol;

/**
 * One line of the admin text protocol, as received: without its line terminator.
 *
 * @param line the command line, e.g. {@code "status"} or {@code "cancel job H:host:4"}
 */
public record AdminRequest(String line) {
}
