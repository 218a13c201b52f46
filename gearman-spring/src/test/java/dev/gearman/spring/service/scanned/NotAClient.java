package dev.gearman.spring.service.scanned;

/** An interface without the annotation, which scanning leaves alone. */
public interface NotAClient {

	/**
	 * Anything.
	 * @return a value
	 */
	String value();

}
