package dev.gearman.samples.newsletter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java snippets of the top-level README's "When jobs fail" section must be code of this sample, word for word,
 * so that they are compiled (and run by {@link NewsletterSampleTests}) on every build.
 */
class ReadmeSnippetTests {

	private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

	@Test
	void whenJobsFailSnippetsShouldBeCompiledSampleCode() throws IOException {
		String readme = Files.readString(Path.of("../../README.md"));
		String section = readme.substring(readme.indexOf("## When jobs fail"));
		section = section.substring(0, section.indexOf("\n## ", 1));
		List<String> snippets = new ArrayList<>();
		Matcher matcher = JAVA_BLOCK.matcher(section);
		while (matcher.find()) {
			snippets.add(normalize(matcher.group(1)));
		}
		assertThat(snippets).as("java snippets in README.md's 'When jobs fail'").hasSize(2);
		StringBuilder sources = new StringBuilder();
		try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".java")).toList()) {
				sources.append(normalize(Files.readString(file))).append('\n');
			}
		}
		for (String snippet : snippets) {
			assertThat(sources.toString()).as("sample sources").contains(snippet);
		}
	}

	private static String normalize(String code) {
		return code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*(//.*)?$\\n?", "").replaceAll("\\s+", " ").trim();
	}

}
