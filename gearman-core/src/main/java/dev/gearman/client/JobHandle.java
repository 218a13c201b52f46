package dev.gearman.client;

import dev.gearman.connection.ServerAddress;

/**
 * A job as a job server knows it: the server that holds it and the handle it gave.
 *
 * @param server the job server
 * @param handle the job handle, e.g. {@code H:host:42}
 */
public record JobHandle(ServerAddress server, String handle) {

	@Override
	public String toString() {
		return this.handle + "@" + this.server;
	}

}
