package dev.gearman.server;

import java.util.regex.Pattern;

/**
 * Name patterns of the server's rules (access lists, retry policies): {@code *} matches any run of characters,
 * every other character itself.
 */
public final class Glob {

	private Glob() {
	}

	/**
	 * Compiles a glob.
	 * @param glob the pattern, e.g. {@code invoice.*}
	 * @return the equivalent regular expression
	 */
	public static Pattern compile(String glob) {
		StringBuilder regex = new StringBuilder();
		int start = 0;
		int star;
		while ((star = glob.indexOf('*', start)) >= 0) {
			regex.append(Pattern.quote(glob.substring(start, star))).append(".*");
			start = star + 1;
		}
		regex.append(Pattern.quote(glob.substring(start)));
		return Pattern.compile(regex.toString(), Pattern.DOTALL);
	}

}
