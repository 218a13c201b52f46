package dev.gearman.samples.reverse;

import dev.gearman.client.JobHandle;
import dev.gearman.spring.annotation.GearmanExchange;

/**
 * The typed client of the {@code reverse} function: the function's name lives here only.
 */
@GearmanExchange
public interface Reverser {

	String reverse(String text);

	@GearmanExchange(value = "reverse", background = true)
	JobHandle reverseInBackground(String text);

}
