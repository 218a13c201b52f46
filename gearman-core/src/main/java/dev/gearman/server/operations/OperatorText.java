package dev.gearman.server.operations;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import dev.gearman.server.history.JobEvent;
import dev.gearman.server.store.StoredDeadLetter;
import org.jspecify.annotations.Nullable;

/**
 * The lines of the operator admin commands, written by the server and read by clients: one record per line,
 * fields separated by tabs, text fields escaped ({@code \\}, {@code \t}, {@code \n}, {@code \r}) so that an error
 * text never breaks a line, binary fields in Base64, an absent value as an empty field.
 * <pre>
 * dead letter: ID FUNCTION UNIQUE PRIORITY ATTEMPTS FIRST_ATTEMPT_MS DIED_MS BYTES WORKER ERROR [DATA]
 * job event:   AT_MS EVENT ATTEMPT HANDLE FUNCTION UNIQUE WORKER RESULT_BYTES RESULT DETAIL
 * </pre>
 */
public final class OperatorText {

	/** The most payload bytes {@code dead show} puts on its line; {@code BYTES} tells the whole length. */
	public static final int MAX_SHOWN_DATA = 1024 * 1024;

	private static final int LETTER_FIELDS = 10;

	private static final int EVENT_FIELDS = 10;

	private OperatorText() {
	}

	/**
	 * A dead letter's line.
	 * @param letter the letter
	 * @param withData whether the payload (at most {@value #MAX_SHOWN_DATA} bytes of it) ends the line
	 * @return the line, without its line ending
	 */
	public static String line(StoredDeadLetter letter, boolean withData) {
		StringBuilder line = new StringBuilder(128).append(letter.id())
			.append('\t').append(escape(letter.function()))
			.append('\t').append(escape(letter.unique()))
			.append('\t').append(letter.priority())
			.append('\t').append(letter.attempts())
			.append('\t').append(letter.firstAttemptMillis())
			.append('\t').append(letter.lastAttemptMillis())
			.append('\t').append(letter.dataSize())
			.append('\t').append(escape(letter.worker()))
			.append('\t').append(escape(letter.lastError()));
		if (withData) {
			byte[] data = letter.data();
			int shown = Math.min(data.length, MAX_SHOWN_DATA);
			line.append('\t').append(Base64.getEncoder()
				.encodeToString((shown == data.length) ? data : Arrays.copyOf(data, shown)));
		}
		return line.toString();
	}

	/**
	 * Reads a dead letter's line.
	 * @param line the line
	 * @return the letter; its payload is empty unless the line carried it
	 * @throws IllegalArgumentException if the line is not a dead letter's
	 */
	public static StoredDeadLetter letter(String line) {
		String[] fields = fields(line, LETTER_FIELDS, "dead letter");
		byte[] data = (fields.length > LETTER_FIELDS) ? Base64.getDecoder().decode(fields[LETTER_FIELDS]) : new byte[0];
		try {
			return new StoredDeadLetter(Long.parseLong(fields[0]), unescape(fields[1]), unescape(fields[2]),
					Integer.parseInt(fields[3]), data, Integer.parseInt(fields[7]), Integer.parseInt(fields[4]),
					Long.parseLong(fields[5]), Long.parseLong(fields[6]), unescape(fields[9]), unescape(fields[8]));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("dead letter line: " + line + " (expected: numbers where numbers go)",
					ex);
		}
	}

	/**
	 * A job event's line.
	 * @param event the event
	 * @return the line, without its line ending
	 */
	public static String line(JobEvent event) {
		return new StringBuilder(96).append(event.atMillis())
			.append('\t').append(event.type().name())
			.append('\t').append(event.attempt())
			.append('\t').append(escape(event.handle()))
			.append('\t').append(escape(event.function()))
			.append('\t').append(escape(event.unique()))
			.append('\t').append(escape(event.worker()))
			.append('\t').append(event.resultSize())
			.append('\t').append((event.result() != null) ? Base64.getEncoder().encodeToString(event.result()) : "")
			.append('\t').append(escape(event.detail()))
			.toString();
	}

	/**
	 * Reads a job event's line.
	 * @param line the line
	 * @return the event
	 * @throws IllegalArgumentException if the line is not a job event's
	 */
	public static JobEvent event(String line) {
		String[] fields = fields(line, EVENT_FIELDS, "job event");
		try {
			return new JobEvent(unescape(fields[3]), unescape(fields[4]), unescape(fields[5]),
					JobEvent.Type.valueOf(fields[1]), Integer.parseInt(fields[2]), Long.parseLong(fields[0]),
					orNull(unescape(fields[9])), orNull(unescape(fields[6])), Long.parseLong(fields[7]),
					fields[8].isEmpty() ? null : Base64.getDecoder().decode(fields[8]));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("job event line: " + line + " (expected: numbers where numbers go)",
					ex);
		}
	}

	/**
	 * Lines as a list reply: each ended by a newline, the list by a line with a single dot.
	 * @param lines the lines
	 * @return the reply
	 */
	public static String list(List<String> lines) {
		StringBuilder reply = new StringBuilder();
		for (String line : lines) {
			reply.append(line).append('\n');
		}
		return reply.append(".\n").toString();
	}

	static String escape(@Nullable String text) {
		if (text == null) {
			return "";
		}
		StringBuilder escaped = null;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			String replacement = switch (c) {
				case '\\' -> "\\\\";
				case '\t' -> "\\t";
				case '\n' -> "\\n";
				case '\r' -> "\\r";
				default -> null;
			};
			if (replacement != null && escaped == null) {
				escaped = new StringBuilder(text.length() + 8).append(text, 0, i);
			}
			if (escaped != null) {
				if (replacement != null) {
					escaped.append(replacement);
				}
				else {
					escaped.append(c);
				}
			}
		}
		return (escaped != null) ? escaped.toString() : text;
	}

	static String unescape(String text) {
		if (text.indexOf('\\') < 0) {
			return text;
		}
		StringBuilder plain = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '\\' || i + 1 == text.length()) {
				plain.append(c);
				continue;
			}
			char next = text.charAt(++i);
			plain.append(switch (next) {
				case 't' -> '\t';
				case 'n' -> '\n';
				case 'r' -> '\r';
				default -> next;
			});
		}
		return plain.toString();
	}

	private static @Nullable String orNull(String text) {
		return text.isEmpty() ? null : text;
	}

	private static String[] fields(String line, int expected, String what) {
		String[] fields = line.split("\t", -1);
		if (fields.length < expected) {
			throw new IllegalArgumentException(what + " line: " + fields.length + " fields (expected: at least "
					+ expected + ")");
		}
		return fields;
	}

}
