package dev.gearman.server.engine;

import dev.gearman.protocol.PacketType;

/**
 * GET_STATUS and GET_STATUS_UNIQUE: what a client may learn about a job by its handle or unique id. A job the
 * access policy does not let the client see is answered as unknown. Engine-thread only.
 */
final class StatusQueries {

	private final JobRegistry registry;

	private final Outbox outbox;

	private final AccessGate gate;

	StatusQueries(JobRegistry registry, Outbox outbox, AccessGate gate) {
		this.registry = registry;
		this.gate = gate;
		this.outbox = outbox;
	}

	void byHandle(Session client, String argument) {
		String handle = beforeNul(argument);
		Job job = this.registry.byHandle(handle);
		if (job == null || !this.gate.maySee(client, job.function.name)) {
			this.outbox.reply(client, PacketType.STATUS_RES, handle, "0", "0", "0", "0");
			return;
		}
		this.outbox.reply(client, PacketType.STATUS_RES, handle, "1", running(job), job.numerator, job.denominator);
	}

	void byUnique(Session client, String argument) {
		String unique = beforeNul(argument);
		Job job = this.registry.anyByUnique(unique);
		if (job != null && this.gate.maySee(client, job.function.name)) {
			this.outbox.reply(client, PacketType.STATUS_RES_UNIQUE, unique, "1", running(job), job.numerator,
					job.denominator, Integer.toString(job.clients.size()));
			return;
		}
		this.outbox.reply(client, PacketType.STATUS_RES_UNIQUE, unique, "0", "0", "0", "0", "0");
	}

	/**
	 * The argument up to its first NUL. The reply echoes it as a NUL-terminated field, so a NUL inside would
	 * shift every field after it; gearmand reads the argument as a C string, which has the same effect.
	 */
	private static String beforeNul(String arg) {
		int nul = arg.indexOf('\0');
		return (nul < 0) ? arg : arg.substring(0, nul);
	}

	private static String running(Job job) {
		return job.state.isAssigned() ? "1" : "0";
	}

}
