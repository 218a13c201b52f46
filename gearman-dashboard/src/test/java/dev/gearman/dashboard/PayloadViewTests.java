package dev.gearman.dashboard;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payloads as people read them: text when they are text (markup included, as characters: the pages escape it),
 * a hex dump otherwise, and only their start.
 */
class PayloadViewTests {

	@Test
	void textShouldStayTextMarkupIncluded() {
		String text = "<script>alert('x')</script>\tépée ✓\n";
		PayloadView view = PayloadView.of(bytes(text), bytes(text).length);
		assertThat(view.text()).isTrue();
		assertThat(view.content()).isEqualTo(text);
		assertThat(view.truncated()).isFalse();
	}

	@Test
	void binaryAndControlCharactersShouldBeShownAsHex() {
		PayloadView binary = PayloadView.of(new byte[] { 0x00, 0x41, (byte) 0xff, 0x7f }, 4);
		assertThat(binary.text()).isFalse();
		assertThat(binary.content()).isEqualTo("00000000  00 41 ff 7f" + " ".repeat(36) + "  .A..\n");
		assertThat(PayloadView.of(bytes("bell\u0007"), 5).text()).isFalse();
		assertThat(PayloadView.of(new byte[] { (byte) 0xc3, 0x28 }, 2).text()).as("invalid UTF-8").isFalse();
	}

	@Test
	void longPayloadShouldBeCutEvenInTheMiddleOfACharacter() {
		byte[] text = bytes("é".repeat(PayloadView.MAX_BYTES));
		PayloadView view = PayloadView.of(Arrays.copyOf(text, PayloadView.MAX_BYTES + 1), text.length);
		assertThat(view.text()).isTrue();
		assertThat(view.content()).isEqualTo("é".repeat(PayloadView.MAX_BYTES / 2));
		assertThat(view.truncated()).isTrue();
		assertThat(view.size()).isEqualTo(text.length);

		byte[] binary = new byte[100_000];
		PayloadView dump = PayloadView.of(binary, binary.length);
		assertThat(dump.shown()).isEqualTo(PayloadView.MAX_HEX_BYTES);
		assertThat(dump.content().lines()).hasSize(PayloadView.MAX_HEX_BYTES / 16);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
