package dev.gearman.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code gearman.*} property that the Javadoc and comments of the library modules name exists in the
 * configuration metadata, so the documentation never sends a user to a property that does not exist (the
 * {@code @GearmanFunction} Javadoc once named {@code gearman.worker.charset}). A dotted {@code gearman.} name is a
 * property reference unless the code uses it as a string of its own, as meter, observation and key names are.
 */
class JavadocPropertyReferencesTests {

	private static final List<String> MODULES = List.of("gearman-core", "gearman-jdbc-store", "gearman-spring",
			"gearman-spring-boot-autoconfigure");

	private static final Pattern NAME = Pattern.compile("(?<![\\w.-])gearman(?:\\.[a-z0-9-]+)+");

	private static final Pattern COMMENT = Pattern.compile("(?s)/\\*.*?\\*/|//[^\\n]*");

	private static final Pattern STRING_LITERAL = Pattern.compile("\"(gearman(?:\\.[a-z0-9-]+)+)");

	@Test
	void everyPropertyNamedInJavadocShouldExistInTheMetadata() throws IOException {
		Set<String> properties = metadataProperties();
		Set<String> literals = new LinkedHashSet<>();
		Set<Reference> references = new LinkedHashSet<>();
		for (Path file : sources()) {
			String source = Files.readString(file);
			Matcher literal = STRING_LITERAL.matcher(COMMENT.matcher(source).replaceAll(""));
			while (literal.find()) {
				literals.add(literal.group(1));
			}
			Matcher comment = COMMENT.matcher(source);
			while (comment.find()) {
				Matcher name = NAME.matcher(comment.group());
				while (name.find()) {
					references.add(new Reference(file.getFileName().toString(), trimDot(name.group())));
				}
			}
		}
		assertThat(references).as("gearman.* names in comments").isNotEmpty();
		Set<String> unknown = new TreeSet<>();
		for (Reference reference : references) {
			String name = reference.name();
			boolean known = properties.contains(name) || isGroup(name, properties) || literals.contains(name)
					|| startsAnyLiteral(name, literals);
			if (!known) {
				unknown.add(name + " (in " + reference.file() + ")");
			}
		}
		assertThat(unknown).as("properties named in Javadoc or comments but missing from the metadata").isEmpty();
	}

	@Test
	void aPropertyThatDoesNotExistShouldBeCaught() throws IOException {
		Set<String> properties = metadataProperties();
		assertThat(properties).contains("gearman.charset").doesNotContain("gearman.worker.charset");
		assertThat(isGroup("gearman.worker.charset", properties)).isFalse();
	}

	private static boolean isGroup(String name, Set<String> properties) {
		return properties.stream().anyMatch((property) -> property.startsWith(name + "."));
	}

	/** A meter name's derived names ({@code gearman.client.calls.active}) and tag keys in a literal's family. */
	private static boolean startsAnyLiteral(String name, Set<String> literals) {
		return literals.stream().anyMatch((literal) -> name.startsWith(literal + "."));
	}

	private static String trimDot(String name) {
		return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
	}

	private static List<Path> sources() throws IOException {
		Path root = Path.of("..").toAbsolutePath().normalize();
		List<Path> files = new java.util.ArrayList<>();
		for (String module : MODULES) {
			Path sources = root.resolve(module).resolve("src/main/java");
			assertThat(sources).as("sources of %s", module).isDirectory();
			try (Stream<Path> walk = Files.walk(sources)) {
				walk.filter((file) -> file.toString().endsWith(".java")).forEach(files::add);
			}
		}
		return files;
	}

	private static Set<String> metadataProperties() throws IOException {
		Set<String> names = new TreeSet<>();
		JsonMapper mapper = JsonMapper.builder().build();
		Enumeration<URL> resources = JavadocPropertyReferencesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (resources.hasMoreElements()) {
			try (InputStream in = resources.nextElement().openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					names.add(property.path("name").asString());
				}
			}
		}
		return names;
	}

	private record Reference(String file, String name) {
	}

}
