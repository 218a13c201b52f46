package dev.gearman.samples.reverse;

import dev.gearman.spring.annotation.GearmanFunction;
import dev.gearman.worker.FailJobException;
import org.springframework.stereotype.Component;

/**
 * Serves the {@code reverse} function: any Gearman client can call it, e.g.
 * {@code gearman -f reverse "Hello World!"}.
 */
@Component
public class ReverseWorker {

	/**
	 * Reverses the workload.
	 * @param text the workload
	 * @return the text reversed
	 */
	@GearmanFunction
	public String reverse(String text) {
		if (text.isBlank()) {
			throw new FailJobException("nothing to reverse");
		}
		return new StringBuilder(text).reverse().toString();
	}

}
