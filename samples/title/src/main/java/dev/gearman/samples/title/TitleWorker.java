package dev.gearman.samples.title;

import java.util.Locale;

import dev.gearman.spring.annotation.GearmanFunction;
import org.springframework.stereotype.Component;

/**
 * Serves the {@code title} function: PHP's {@code ucwords(strtolower($text))}. Background jobs have no caller
 * waiting for the result, so the worker also posts each title to the {@link TitleBoard}.
 */
@Component
public class TitleWorker {

	private final TitleBoard board;

	public TitleWorker(TitleBoard board) {
		this.board = board;
	}

	/**
	 * Title-cases the workload.
	 * @param text the workload
	 * @return e.g. {@code "The Quick Brown Fox"} for {@code "tHE QUICK brown fox"}
	 */
	@GearmanFunction
	public String title(String text) {
		String title = ucwords(text.toLowerCase(Locale.ROOT));
		this.board.post(title);
		return title;
	}

	private static String ucwords(String text) {
		StringBuilder result = new StringBuilder(text.length());
		boolean wordStart = true;
		for (char c : text.toCharArray()) {
			result.append(wordStart ? Character.toUpperCase(c) : c);
			wordStart = Character.isWhitespace(c);
		}
		return result.toString();
	}

}
