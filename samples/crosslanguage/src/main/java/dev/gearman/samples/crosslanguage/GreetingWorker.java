package dev.gearman.samples.crosslanguage;

import dev.gearman.spring.annotation.GearmanFunction;
import org.springframework.stereotype.Component;

/**
 * Serves {@code greet} for clients in any language. The workload and the result are JSON, which every Gearman
 * client library can produce and read: {@code src/main/php/client.php} calls it from PHP.
 */
@Component
public class GreetingWorker {

	/**
	 * Greets someone.
	 * @param request e.g. {@code {"name":"Ada"}}
	 * @return e.g. {@code {"message":"Hello, Ada, from Java 17"}}
	 */
	@GearmanFunction
	public Greeting greet(GreetingRequest request) {
		return new Greeting("Hello, " + request.name() + ", from Java " + Runtime.version().feature());
	}

	/**
	 * The workload of {@code greet}.
	 * @param name who to greet
	 */
	public record GreetingRequest(String name) {
	}

	/**
	 * The result of {@code greet}.
	 * @param message the greeting
	 */
	public record Greeting(String message) {
	}

}
