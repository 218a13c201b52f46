package dev.gearman.server.engine;

import java.util.concurrent.CompletableFuture;

import dev.gearman.server.access.AccessPolicy.AdminAccess;
import org.jspecify.annotations.Nullable;

/**
 * Admin text commands beyond gearmand's, answered later: the engine checks the access a command needs, holds the
 * connection's place for the reply (so replies leave in command order) and sends the text once the future
 * completes. Implementations do their work off the engine thread and must bound how much they take on.
 */
public interface AdminExtension {

	/**
	 * Whether this extension serves a command, and the access it needs.
	 * @param tokens the command line split at spaces, the first token lower-cased
	 * @return the access the command needs, or {@code null} if the extension does not serve it
	 */
	@Nullable AdminAccess access(String[] tokens);

	/**
	 * Runs a command this extension serves.
	 * @param tokens the command line split at spaces, the first token lower-cased
	 * @return the reply text, line endings included; a failed future is answered with an {@code ERR} line
	 */
	CompletableFuture<String> run(String[] tokens);

}
