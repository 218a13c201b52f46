package dev.gearman.samples.reverse;

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
 * The Java snippets of the top-level README's guide must be code of this sample (or of its tests), word for word,
 * so that they are compiled (and run by {@link ReverseSampleTests} and {@link ReverseWorkerTests}) on every build.
 */
class ReadmeSnippetTests {

	private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);

	@Test
	void readmeJavaSnippetsShouldBeCompiledSampleCode() throws IOException {
		String readme = Files.readString(Path.of("../../README.md"));
		// the three-step guide; other sections show the code of other samples
		String guide = readme.substring(readme.indexOf("## Use it in a Spring Boot application"));
		guide = guide.substring(0, guide.indexOf("\n## ", 1));
		List<String> snippets = new ArrayList<>();
		Matcher matcher = JAVA_BLOCK.matcher(guide);
		while (matcher.find()) {
			snippets.add(normalize(matcher.group(1)));
		}
		assertThat(snippets).as("java snippets in README.md").hasSizeGreaterThanOrEqualTo(2);
		StringBuilder sources = new StringBuilder();
		for (String root : List.of("src/main/java", "src/test/java")) {
			try (Stream<Path> files = Files.walk(Path.of(root))) {
				for (Path file : files.filter((f) -> f.toString().endsWith(".java")).toList()) {
					sources.append(normalize(Files.readString(file))).append('\n');
				}
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
