package dev.gearman.samples.reverse;

import dev.gearman.spring.core.GearmanTemplate;
import org.springframework.stereotype.Service;

/**
 * Calls the {@code reverse} function through the injected template; whichever worker is free serves it.
 */
@Service
public class ReverseClient {

	private final GearmanTemplate gearman;

	public ReverseClient(GearmanTemplate gearman) {
		this.gearman = gearman;
	}

	public String reverse(String text) {
		return this.gearman.call("reverse", text);
	}

}
