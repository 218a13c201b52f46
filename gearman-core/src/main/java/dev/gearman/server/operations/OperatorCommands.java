package dev.gearman.server.operations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import dev.gearman.server.access.AccessPolicy.AdminAccess;
import dev.gearman.server.engine.AdminExtension;
import dev.gearman.server.history.JobEvent;
import org.jspecify.annotations.Nullable;

/**
 * The admin text commands for failed jobs, for {@code nc} and {@code gearadmin}-style tools. Listings end with a
 * line holding a single dot, like gearmand's; other replies are one {@code OK …} line; failures one
 * {@code ERR CODE text} line (the text with {@code +} for spaces, as gearmand writes it). Line formats:
 * {@link OperatorText}.
 * <pre>
 * dead status                                     FUNCTION COUNT per line               (read)
 * dead list [FUNCTION|*] [AFTER_ID] [LIMIT]       a dead letter per line, oldest first  (read)
 * dead show ID                                    the letter's line, payload included   (read)
 * dead requeue ID                                 OK HANDLE                             (write)
 * dead requeue function FUNCTION                  OK REQUEUED STAYED                    (write)
 * dead delete ID                                  OK                                    (write)
 * dead purge [function FUNCTION] [older-than S]   OK PURGED                             (write)
 * history handle HANDLE | history unique UNIQUE   a job event per line                  (read)
 * </pre>
 */
public final class OperatorCommands implements AdminExtension {

	/** Letters {@code dead list} shows without a limit. */
	static final int DEFAULT_LIMIT = 100;

	private final DeadLetterService deadLetters;

	private final JobHistoryService history;

	OperatorCommands(DeadLetterService deadLetters, JobHistoryService history) {
		this.deadLetters = deadLetters;
		this.history = history;
	}

	@Override
	public @Nullable AdminAccess access(String[] tokens) {
		return switch (tokens[0]) {
			case "dead" -> (tokens.length > 1 && isChange(tokens[1])) ? AdminAccess.WRITE : AdminAccess.READ;
			case "history" -> AdminAccess.READ;
			default -> null;
		};
	}

	private static boolean isChange(String subcommand) {
		return switch (subcommand.toLowerCase(Locale.ROOT)) {
			case "requeue", "delete", "purge" -> true;
			default -> false;
		};
	}

	@Override
	public CompletableFuture<String> run(String[] tokens) {
		CompletableFuture<String> reply;
		try {
			reply = "history".equals(tokens[0]) ? history(tokens) : dead(tokens);
		}
		catch (OperationFailedException ex) {
			reply = CompletableFuture.failedFuture(ex);
		}
		return reply.exceptionally(OperatorCommands::error);
	}

	private CompletableFuture<String> dead(String[] tokens) {
		String subcommand = (tokens.length > 1) ? tokens[1].toLowerCase(Locale.ROOT) : "";
		return switch (subcommand) {
			case "status" -> this.deadLetters.counts().thenApply(OperatorCommands::status);
			case "list" -> list(tokens);
			case "show" -> this.deadLetters.get(id(tokens, 2))
				.thenApply((letter) -> OperatorText.list(List.of(OperatorText.line(letter, true))));
			case "requeue" -> requeue(tokens);
			case "delete" -> this.deadLetters.delete(id(tokens, 2)).thenApply((done) -> "OK\r\n");
			case "purge" -> purge(tokens);
			default -> throw invalid("dead: " + subcommand + " (expected: status, list, show, requeue, delete or"
					+ " purge)");
		};
	}

	private CompletableFuture<String> list(String[] tokens) {
		String function = (tokens.length > 2 && !"*".equals(tokens[2])) ? tokens[2] : null;
		long after = (tokens.length > 3) ? number(tokens[3], "after id") : 0;
		int limit = (tokens.length > 4) ? (int) Math.min(number(tokens[4], "limit"), DeadLetterService.MAX_PAGE)
				: DEFAULT_LIMIT;
		return this.deadLetters.list(function, after, limit).thenApply((letters) -> lines(letters,
				(letter) -> OperatorText.line(letter, false)));
	}

	private CompletableFuture<String> requeue(String[] tokens) {
		if (tokens.length == 4 && "function".equalsIgnoreCase(tokens[2])) {
			return this.deadLetters.requeueAll(tokens[3])
				.thenApply((summary) -> "OK " + summary.requeued() + " " + summary.stayed() + "\n");
		}
		return this.deadLetters.requeue(id(tokens, 2)).thenApply((handle) -> "OK " + handle + "\n");
	}

	private CompletableFuture<String> purge(String[] tokens) {
		String function = null;
		Duration olderThan = null;
		for (int i = 2; i < tokens.length; i += 2) {
			if (i + 1 >= tokens.length) {
				throw invalid("dead purge: " + tokens[i] + " without a value");
			}
			switch (tokens[i].toLowerCase(Locale.ROOT)) {
				case "function" -> function = tokens[i + 1];
				case "older-than" -> olderThan = Duration.ofSeconds(number(tokens[i + 1], "older-than seconds"));
				default -> throw invalid("dead purge: " + tokens[i] + " (expected: function or older-than)");
			}
		}
		return this.deadLetters.purge(function, olderThan).thenApply((purged) -> "OK " + purged + "\n");
	}

	private CompletableFuture<String> history(String[] tokens) {
		if (tokens.length != 3) {
			throw invalid("history: expected 'history handle HANDLE' or 'history unique UNIQUE'");
		}
		CompletableFuture<List<JobEvent>> events = switch (tokens[1].toLowerCase(Locale.ROOT)) {
			case "handle" -> this.history.byHandle(tokens[2]);
			case "unique" -> this.history.byUnique(tokens[2]);
			default -> throw invalid("history: " + tokens[1] + " (expected: handle or unique)");
		};
		return events.thenApply((list) -> lines(list, OperatorText::line));
	}

	private static String status(Map<String, Long> counts) {
		List<String> lines = new ArrayList<>(counts.size());
		new TreeMap<>(counts).forEach((function, count) -> lines.add(OperatorText.escape(function) + "\t" + count));
		return OperatorText.list(lines);
	}

	private static <T> String lines(List<T> items, Function<T, String> line) {
		List<String> lines = new ArrayList<>(items.size());
		for (T item : items) {
			lines.add(line.apply(item));
		}
		return OperatorText.list(lines);
	}

	private static long id(String[] tokens, int index) {
		if (tokens.length <= index) {
			throw invalid(tokens[0] + " " + tokens[1] + ": the dead letter's id is missing");
		}
		return number(tokens[index], "dead letter id");
	}

	private static long number(String token, String what) {
		try {
			long value = Long.parseLong(token);
			if (value >= 0) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// answered below
		}
		throw invalid(what + ": " + token + " (expected: a number >= 0)");
	}

	private static OperationFailedException invalid(String message) {
		return new OperationFailedException(OperationFailedException.Code.INVALID_ARGUMENTS, message);
	}

	/** {@code ERR CODE text}, the text with {@code +} for spaces as gearmand writes it. */
	private static String error(Throwable failure) {
		Throwable cause = failure;
		while (cause instanceof CompletionException && cause.getCause() != null) {
			cause = cause.getCause();
		}
		String code = (cause instanceof OperationFailedException operation) ? operation.code().name()
				: OperationFailedException.Code.UNKNOWN_ERROR.name();
		String text = String.valueOf(cause.getMessage()).replace('\r', ' ').replace('\n', ' ').replace(' ', '+');
		return "ERR " + code + " " + text + "\r\n";
	}

	/**
	 * Reads an {@code ERR} line back into its code and text, for clients.
	 * @param line the line
	 * @return the failure
	 */
	public static OperationFailedException failure(String line) {
		String[] parts = line.trim().split(" ", 3);
		OperationFailedException.Code code;
		try {
			code = OperationFailedException.Code.valueOf((parts.length > 1) ? parts[1] : "");
		}
		catch (IllegalArgumentException ex) {
			// gearmand's own codes (UNKNOWN_COMMAND from a server without these commands, ...)
			code = OperationFailedException.Code.UNKNOWN_ERROR;
		}
		String text = (parts.length > 2) ? parts[2].replace('+', ' ') : line.trim();
		return new OperationFailedException(code, text);
	}

}
