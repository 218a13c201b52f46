package dev.gearman.samples.mapreduce;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;

/**
 * Runs the map workers and analyzes a log: {@code --log=access.log}, or a bundled sample log; with
 * {@code --worker-only} it only serves the map step.
 */
@SpringBootApplication
public class MapReduceApplication {

	/**
	 * Starts the sample.
	 * @param args e.g. {@code --log=/var/log/nginx/access.log}
	 */
	public static void main(String[] args) {
		SpringApplication.run(MapReduceApplication.class, args);
	}

	@Bean
	ApplicationRunner analyzeLog(LogAnalyzer analyzer) {
		return (args) -> {
			if (args.containsOption("worker-only")) {
				return; // just lend this instance's workers to the map step of others
			}
			String file = args.containsOption("log") ? args.getOptionValues("log").get(0) : null;
			try (BufferedReader log = (file != null) ? Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)
					: new BufferedReader(new InputStreamReader(new ClassPathResource("sample-access.log").getInputStream(),
							StandardCharsets.UTF_8))) {
				System.out.print(analyzer.analyze(log));
			}
		};
	}

}
