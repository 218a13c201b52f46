package dev.gearman.spring.service.scanned;

import dev.gearman.spring.annotation.GearmanExchange;

/** A typed client found by scanning. */
@GearmanExchange
public interface Greeter {

	/**
	 * Calls {@code greet}.
	 * @param name who
	 * @return the greeting
	 */
	String greet(String name);

}
