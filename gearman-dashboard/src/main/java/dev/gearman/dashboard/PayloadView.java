package dev.gearman.dashboard;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * A payload as a person can read it: UTF-8 text if it is text, otherwise a hex dump, and only its start. The
 * content is plain text; pages escape it like any other text (Thymeleaf's {@code th:text}), so a payload holding
 * markup shows the markup and runs nothing.
 *
 * @param text whether the payload is shown as text ({@code false}: as a hex dump)
 * @param content the text, or the hex dump (16 bytes a line: offset, bytes, printable characters)
 * @param size the payload's whole length in bytes
 * @param shown how many of its bytes the content shows
 */
public record PayloadView(boolean text, String content, int size, int shown) {

	/** The most payload bytes a view shows. */
	public static final int MAX_BYTES = 4096;

	/** The most bytes a hex dump shows: a dump is four times as long as its bytes. */
	static final int MAX_HEX_BYTES = 1024;

	/**
	 * The view of a payload's first bytes.
	 * @param head the first bytes, at most {@link #MAX_BYTES} of them are used
	 * @param size the whole payload's length
	 * @return the view
	 */
	public static PayloadView of(byte[] head, int size) {
		int length = Math.min(head.length, MAX_BYTES);
		String text = utf8(head, length, length < size);
		if (text != null) {
			return new PayloadView(true, text, size, length);
		}
		int dumped = Math.min(length, MAX_HEX_BYTES);
		return new PayloadView(false, hexDump(head, dumped), size, dumped);
	}

	/**
	 * Whether only part of the payload is shown.
	 * @return {@code true} if it was cut
	 */
	public boolean truncated() {
		return this.shown < this.size;
	}

	/**
	 * The payload as UTF-8 text, or {@code null} if it is not valid UTF-8 or holds control characters other than
	 * tabs and line breaks. A cut payload may end in the middle of a character: up to three bytes are left out.
	 */
	private static @Nullable String utf8(byte[] bytes, int length, boolean cut) {
		for (int drop = 0; drop <= (cut ? Math.min(3, length) : 0); drop++) {
			String text = decode(bytes, length - drop);
			if (text != null) {
				return isReadable(text) ? text : null;
			}
		}
		return null;
	}

	private static @Nullable String decode(byte[] bytes, int length) {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		try {
			CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, length));
			return chars.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static boolean isReadable(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r') {
				return false;
			}
		}
		return true;
	}

	private static String hexDump(byte[] bytes, int length) {
		StringBuilder dump = new StringBuilder(length * 4 + 16);
		for (int line = 0; line < length; line += 16) {
			dump.append(String.format("%08x ", line));
			StringBuilder printable = new StringBuilder(16);
			for (int i = line; i < line + 16; i++) {
				if (i < length) {
					int b = bytes[i] & 0xff;
					dump.append(String.format(" %02x", b));
					printable.append((b >= 0x20 && b < 0x7f) ? (char) b : '.');
				}
				else {
					dump.append("   ");
				}
			}
			dump.append("  ").append(printable).append('\n');
		}
		return dump.toString();
	}

}
