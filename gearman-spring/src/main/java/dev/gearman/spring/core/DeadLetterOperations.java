package dev.gearman.spring.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.gearman.client.GearmanClient;
import dev.gearman.client.JobHandle;
import dev.gearman.connection.ServerAddress;
import dev.gearman.server.operations.DeadLetterService.RequeueSummary;
import dev.gearman.server.operations.OperationFailedException;
import dev.gearman.server.operations.OperatorText;
import dev.gearman.server.store.StoredDeadLetter;
import org.jspecify.annotations.Nullable;

/**
 * The dead letters of one job server, from Java: the server's admin text commands ({@code dead ...}) sent over a
 * connection of the template's client, as {@code gearadmin} would. Calls block up to the client's timeout and throw
 * {@link OperationFailedException} (e.g. {@code NO_SUCH_DEAD_LETTER}, {@code REQUEUE_REFUSED},
 * {@code PERMISSION_DENIED} when the server's access policy refuses the client's identity). Get one from
 * {@link GearmanTemplate#deadLetters()}.
 */
public class DeadLetterOperations {

	private final GearmanClient client;

	private final ServerAddress server;

	DeadLetterOperations(GearmanClient client, ServerAddress server) {
		this.client = client;
		this.server = server;
	}

	/**
	 * The server these operations act on.
	 * @return the server
	 */
	public ServerAddress server() {
		return this.server;
	}

	/**
	 * How many letters each function has.
	 * @return counts by function name, sorted by name
	 */
	public Map<String, Long> counts() {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (String line : list("dead status")) {
			int tab = line.lastIndexOf('\t');
			counts.put(line.substring(0, tab), Long.parseLong(line.substring(tab + 1)));
		}
		return counts;
	}

	/**
	 * A page of letters without their payloads, oldest first.
	 * @param function only this function's letters; {@code null} for all
	 * @param afterId only letters with a larger id: 0 for the first page, then the last id seen
	 * @param limit the most letters (the server returns at most 1000)
	 * @return the letters
	 */
	public List<StoredDeadLetter> list(@Nullable String function, long afterId, int limit) {
		return list("dead list " + ((function != null) ? word(function) : "*") + " " + afterId + " " + limit).stream()
			.map(OperatorText::letter)
			.toList();
	}

	/**
	 * One letter with its payload (the first MiB of it: {@link StoredDeadLetter#dataSize()} tells the whole length).
	 * @param id the letter's id
	 * @return the letter
	 */
	public StoredDeadLetter get(long id) {
		return OperatorText.letter(list("dead show " + id).get(0));
	}

	/**
	 * Moves a letter back into its queue as a new job with a fresh attempt count.
	 * @param id the letter's id
	 * @return the new job
	 */
	public JobHandle requeue(long id) {
		return new JobHandle(this.server, ok("dead requeue " + id));
	}

	/**
	 * Moves every letter of a function back into its queue; letters that cannot be requeued stay.
	 * @param function the function
	 * @return how many were requeued and how many stayed
	 */
	public RequeueSummary requeueAll(String function) {
		String[] counts = ok("dead requeue function " + word(function)).split(" ");
		return new RequeueSummary(Integer.parseInt(counts[0]), Integer.parseInt(counts[1]));
	}

	/**
	 * Deletes one letter.
	 * @param id the letter's id
	 */
	public void delete(long id) {
		GearmanTemplate.await(this.client.admin(this.server, "dead delete " + id));
	}

	/**
	 * Deletes letters: all, a function's, those older than an age, or a function's older than an age.
	 * @param function only this function's letters; {@code null} for all
	 * @param olderThan only letters whose job died longer ago; {@code null} for any age
	 * @return how many were deleted
	 */
	public int purge(@Nullable String function, @Nullable Duration olderThan) {
		StringBuilder command = new StringBuilder("dead purge");
		if (function != null) {
			command.append(" function ").append(word(function));
		}
		if (olderThan != null) {
			command.append(" older-than ").append(olderThan.toSeconds());
		}
		return Integer.parseInt(ok(command.toString()));
	}

	private List<String> list(String command) {
		return GearmanTemplate.await(this.client.adminList(this.server, command));
	}

	/** Sends a command answered by {@code OK value}; returns the value. */
	private String ok(String command) {
		String reply = GearmanTemplate.await(this.client.admin(this.server, command));
		return reply.startsWith("OK ") ? reply.substring(3).trim() : reply;
	}

	/** Admin commands split at spaces: a name with a space (or a line break) cannot be carried by one. */
	static String word(String name) {
		if (name.isEmpty() || name.chars().anyMatch((c) -> c == ' ' || c == '\n' || c == '\r')) {
			throw new IllegalArgumentException("name: '" + name + "' (expected: one without spaces or line breaks,"
					+ " which admin commands cannot carry)");
		}
		return name;
	}

}
